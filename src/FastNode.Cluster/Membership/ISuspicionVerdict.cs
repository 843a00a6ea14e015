namespace FastNode.Cluster.Membership;

/// <summary>
/// Decides when an open suspicion becomes a death. SWIM alone uses a timeout (<see cref="LifeguardTimeoutVerdict"/>);
/// the cluster replaces it with Redis's rule (a majority of primaries reported the failure).
/// </summary>
public interface ISuspicionVerdict
{
    bool IsDead(Member member, Suspicion suspicion, long now, int memberCount);
}
