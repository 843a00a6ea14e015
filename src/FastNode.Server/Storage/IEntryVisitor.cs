namespace FastNode.Server.Storage;

/// <summary>Receives entries during <see cref="Shard.Scan{TVisitor}"/>, under the shard lock. May remove the visited entry.</summary>
public interface IEntryVisitor
{
    void Visit(Shard shard, int index);
}
