using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Failover;

/// <summary>
/// A replica's election for its failed primary, with Redis's timing (clusterHandleSlaveFailover): start after
/// fixed + random + rank × per-rank delay, where rank counts sibling replicas with a better replication offset;
/// give up after the election timeout; try again no sooner than twice that after the previous start time.
/// </summary>
public sealed class ReplicaElection
{
    private readonly HashSet<NodeId> _votes = [];

    /// <summary>When the vote request may go out (monotonic ms); 0 = no election scheduled.</summary>
    public long StartAt { get; private set; }

    /// <summary>The rank the delay was computed with.</summary>
    public int Rank { get; private set; }

    /// <summary>The epoch votes were requested for; 0 = not requested yet.</summary>
    public long Epoch { get; private set; }

    /// <summary>The primary being replaced.</summary>
    public NodeId FailedPrimary { get; private set; }

    public int Votes => _votes.Count;

    /// <summary>
    /// The earliest time (monotonic ms) the old primary's lease can have run out, from what the votes so far say
    /// about their last grants to it; 0 before any vote.
    /// </summary>
    public long OldLeaseEndsBy { get; private set; }

    public bool IsScheduled => StartAt != 0;

    /// <summary>True when no election is scheduled, or the last one is old enough to retry (Redis: 2 × timeout).</summary>
    public bool MayStart(long now, long timeoutMs) => StartAt == 0 || now - StartAt > timeoutMs * 2;

    public void Schedule(NodeId failedPrimary, long now, int rank, long fixedMs, long randomMs, long rankMs, Random random)
    {
        FailedPrimary = failedPrimary;
        Rank = rank;
        StartAt = now + fixedMs + (randomMs > 0 ? random.NextInt64(randomMs) : 0) + rank * rankMs;
        Epoch = 0;
        OldLeaseEndsBy = 0;
        _votes.Clear();
    }

    /// <summary>Before votes are requested, a worse rank (a sibling turned out more up to date) adds delay.</summary>
    public void Rerank(int rank, long rankMs)
    {
        if (Epoch != 0 || rank <= Rank) return;
        StartAt += (rank - Rank) * rankMs;
        Rank = rank;
    }

    public ElectionStep Next(long now, long timeoutMs)
    {
        if (StartAt == 0 || now < StartAt) return ElectionStep.Wait;
        if (now - StartAt > timeoutMs) return ElectionStep.GiveUp;
        return Epoch == 0 ? ElectionStep.RequestVotes : ElectionStep.Wait;
    }

    public void VotesRequested(long epoch) => Epoch = epoch;

    /// <summary>
    /// Counts a vote for the current request; votes for an older epoch are ignored. <paramref name="leaseEndsBy"/> is
    /// when a lease the voter last granted to the old primary runs out at the latest.
    /// </summary>
    public void AddVote(NodeId voter, long epoch, long leaseEndsBy = 0)
    {
        if (Epoch == 0 || epoch < Epoch) return;
        _votes.Add(voter);
        OldLeaseEndsBy = Math.Max(OldLeaseEndsBy, leaseEndsBy);
    }

    /// <summary>Forget the election (won, or the primary is no longer failed); keeps nothing for a retry.</summary>
    public void Reset()
    {
        StartAt = 0;
        Epoch = 0;
        Rank = 0;
        FailedPrimary = NodeId.None;
        OldLeaseEndsBy = 0;
        _votes.Clear();
    }

    /// <summary>Stop asking but remember when, so a new attempt waits the retry time.</summary>
    public void Abandon()
    {
        Epoch = 0;
        OldLeaseEndsBy = 0;
        _votes.Clear();
    }
}
