namespace FastNode.Server.Persistence.Rdb;

/// <summary>A saved lock or semaphore: its kind, permits and leases (absolute deadlines), without waiters.</summary>
public sealed class LockImage
{
    public bool Semaphore { get; init; }
    public int Permits { get; init; }
    public List<LockLease> Holders { get; } = [];
}
