namespace FastNode.Server.Storage;

/// <summary>
/// Receives the live keys of a whole-database walk (<see cref="Database.Scan{TVisitor}"/>, KEYS, SCAN), under the
/// key's shard lock. The key array is never written after it is stored, so it may be kept and used after the lock is
/// released. The visitor must not change the database.
/// </summary>
public interface IKeyVisitor
{
    void Visit(byte[] key, ValueKind kind);
}
