using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Failover;

/// <summary>
/// A primary's voting record: one vote per epoch (lastVoteEpoch, persisted in nodes.conf), no second vote for the
/// same failed primary within node-timeout × 2, and the lease grants it withdrew by voting.
/// </summary>
public sealed class VoteLedger
{
    // Failed primary → when this node last voted for one of its replicas.
    private readonly Dictionary<NodeId, long> _votedAt = [];

    // Primary voted against → (election epoch, when). While active, that primary gets no lease grant from us.
    private readonly Dictionary<NodeId, (long Epoch, long At)> _withdrawn = [];

    /// <summary>The epoch of this node's last vote.</summary>
    public long LastVoteEpoch { get; set; }

    public VoteDecision Check(long requestEpoch, long currentEpoch, long now, NodeId failedPrimary, long minimumGapMs)
    {
        if (requestEpoch < currentEpoch) return VoteDecision.StaleEpoch;
        if (LastVoteEpoch == currentEpoch) return VoteDecision.AlreadyVoted;
        if (_votedAt.TryGetValue(failedPrimary, out long at) && now - at < minimumGapMs) return VoteDecision.VotedRecently;
        return VoteDecision.Granted;
    }

    public void Record(long epoch, NodeId failedPrimary, long now)
    {
        LastVoteEpoch = epoch;
        _votedAt[failedPrimary] = now;
        _withdrawn[failedPrimary] = (epoch, now);
    }

    /// <summary>
    /// Whether a vote given against <paramref name="primary"/> still stops us granting it a lease: until the
    /// withdrawal times out or the primary shows a configEpoch newer than the election's.
    /// </summary>
    public bool IsWithdrawn(NodeId primary, long primaryConfigEpoch, long now, long withdrawalMs)
    {
        if (!_withdrawn.TryGetValue(primary, out var w)) return false;
        if (now - w.At < withdrawalMs && primaryConfigEpoch <= w.Epoch) return true;
        _withdrawn.Remove(primary);
        return false;
    }
}
