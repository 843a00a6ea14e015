namespace FastNode.Cluster.Membership;

/// <summary>Plain SWIM with Lifeguard's confirmation-scaled suspicion timeout.</summary>
public sealed class LifeguardTimeoutVerdict(MembershipOptions options) : ISuspicionVerdict
{
    public bool IsDead(Member member, Suspicion suspicion, long now, int memberCount)
    {
        double scale = Math.Max(1.0, Math.Log10(Math.Max(1, memberCount)));
        long min = (long)(options.SuspicionMultiplier * scale * options.ProbeIntervalMs);
        long max = min * options.SuspicionMaxMultiplier;
        long timeout = Suspicion.Timeout(suspicion.Confirmations, options.ExpectedConfirmations, min, max);
        return now - suspicion.StartedAt >= timeout;
    }
}
