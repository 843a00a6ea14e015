namespace FastNode.Cluster.Tests.Simulation;

/// <summary>How the simulated network treats each frame: independent loss, and a uniform delay.</summary>
public sealed record NetworkConditions(double LossRate = 0, int MinDelayMs = 1, int MaxDelayMs = 5)
{
    public static NetworkConditions Perfect { get; } = new();
}
