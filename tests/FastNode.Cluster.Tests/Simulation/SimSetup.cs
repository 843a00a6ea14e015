using FastNode.Cluster.Failover;
using FastNode.Cluster.Membership;
using FastNode.Cluster.State;

namespace FastNode.Cluster.Tests.Simulation;

/// <summary>What to simulate: cluster shape, protocol settings, network, seed.</summary>
public sealed record SimSetup
{
    public int Primaries { get; init; } = 3;
    public int ReplicasPerPrimary { get; init; } = 1;
    public int Seed { get; init; } = 1;
    public NetworkConditions Network { get; init; } = NetworkConditions.Perfect;

    /// <summary>Node timeout 5 s and a 1 s protocol period, so scenarios fit in simulated tens of seconds.</summary>
    public ClusterOptions Options { get; init; } = DefaultOptions;

    /// <summary>How often each node's Tick runs (the server's cluster timer).</summary>
    public int TickMs { get; init; } = 100;

    /// <summary>Simulation time step: deliveries and ticks happen on these boundaries.</summary>
    public int StepMs { get; init; } = 5;

    /// <summary>Replication progress per node index (offsets for replica ranking); none by default.</summary>
    public Func<int, IReplicationProgress>? Replication { get; init; }

    public int Nodes => Primaries * (1 + ReplicasPerPrimary);

    public static ClusterOptions DefaultOptions { get; } = new()
    {
        NodeTimeoutMs = 5000,
        SyncAfterMismatchMs = 3000,
        SyncCooldownMs = 3000,
        Membership = new MembershipOptions { ProbeIntervalMs = 1000, ProbeTimeoutMs = 500 },
    };
}
