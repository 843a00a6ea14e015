using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Simulation;

/// <summary>A node's transport inside the simulator: frames go onto the shared <see cref="SimNetwork"/>.</summary>
public sealed class SimTransport(SimNetwork network, SimClock clock) : IClusterTransport
{
    public SimHost? Host { get; set; }

    public void Send(BusEndpoint to, byte[] frame) => network.Send(Host!, to, frame, clock.NowMs);
}
