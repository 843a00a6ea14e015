using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Tests.Simulation;

/// <summary>One simulated process: a real <see cref="ClusterNode"/>, its address, and whether it runs.</summary>
public sealed class SimHost
{
    public SimHost(int index, ClusterNode node, long firstTickAt)
    {
        Index = index;
        Node = node;
        NextTickAt = firstTickAt;
    }

    public int Index { get; }

    public ClusterNode Node { get; set; }

    public NodeId Id => Node.Id;

    public BusEndpoint Endpoint => Node.Config.Address.Bus;

    public HostState State { get; set; } = HostState.Running;

    public long NextTickAt { get; set; }

    /// <summary>Frames that arrived while paused, delivered in order on resume.</summary>
    public Queue<byte[]> Held { get; } = new();

    /// <summary>Frames this host sent (for messages per member per second).</summary>
    public long FramesSent { get; set; }

    public bool IsRunning => State == HostState.Running;

    public override string ToString() => $"#{Index} {Id.Short} {State}";
}
