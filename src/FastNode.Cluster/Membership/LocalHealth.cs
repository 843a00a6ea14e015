namespace FastNode.Cluster.Membership;

/// <summary>
/// Lifeguard's local health multiplier (section 4.1): a score that rises when this node misses acks or nacks, or has
/// to refute a suspicion of itself, and falls with every successful probe. Probe intervals and timeouts are stretched
/// by (score + 1), so a slow or overloaded node doubts itself before it accuses others.
/// </summary>
public sealed class LocalHealth
{
    public LocalHealth(int max) => Max = max;

    /// <summary>Highest score; the multiplier is then Max + 1.</summary>
    public int Max { get; }

    /// <summary>0 is healthy.</summary>
    public int Score { get; private set; }

    public void Apply(int delta) => Score = Math.Clamp(Score + delta, 0, Max);

    public long Scale(long milliseconds) => milliseconds * (Score + 1);

    /// <summary>True once the node has missed enough that its own verdicts about others should not be trusted.</summary>
    public bool IsDoubtful => Score * 2 > Max;
}
