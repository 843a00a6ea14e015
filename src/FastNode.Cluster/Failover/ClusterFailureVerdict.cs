using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Failover;

/// <summary>
/// Redis's FAIL rule as a suspicion verdict: a suspect becomes FAIL once failure reports from a majority of the
/// primaries serving slots arrived within node-timeout × 2, and it has been silent (no frame, no refutation) for
/// node-timeout. Only the few nodes reports are sent to can reach the quorum;
/// everyone else learns FAIL from their gossip. A node whose own health is doubtful declares nothing (Lifeguard).
/// </summary>
public sealed class ClusterFailureVerdict(
    FailureReports reports,
    Func<NodeId, bool> isVoter,
    Func<int> quorum,
    Func<LocalHealth> health,
    long nodeTimeoutMs,
    long probeIntervalMs,
    long reportValidityMs) : ISuspicionVerdict
{
    public bool IsDead(Member member, Suspicion suspicion, long now, int memberCount)
    {
        if (health().IsDoubtful) return false;
        // Redis counts node-timeout from the last pong. Where this node heard from the suspect within node-timeout
        // before suspecting it, that is LastHeardAt; otherwise the best bound is one period before the suspicion.
        long silentSince = suspicion.StartedAt - member.LastHeardAt <= nodeTimeoutMs
            ? member.LastHeardAt
            : suspicion.StartedAt - probeIntervalMs;
        if (now - silentSince < nodeTimeoutMs) return false;
        return reports.Count(member.Id, suspicion.Incarnation, now, reportValidityMs, isVoter) >= quorum();
    }
}
