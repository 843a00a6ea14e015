using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Failover;

/// <summary>
/// A voter's record of when it last granted each primary a write lease (sent an Ack carrying LeaseGrant). Its vote
/// reports the age of its last grant to the primary being replaced, so the winner knows when that grant stopped
/// counting towards the old primary's lease.
/// </summary>
public sealed class LeaseGrantLog
{
    // Primary → when (monotonic ms) our last granting Ack to it was sent.
    private readonly Dictionary<NodeId, long> _lastGrantAt = [];

    public void Granted(NodeId primary, long now) => _lastGrantAt[primary] = now;

    /// <summary>Milliseconds since our last grant to <paramref name="primary"/>, at most <paramref name="never"/>.</summary>
    public long AgeMs(NodeId primary, long now, long never) =>
        _lastGrantAt.TryGetValue(primary, out long at) ? Math.Clamp(now - at, 0, never) : never;
}
