namespace FastNode.Server.Cluster;

/// <summary>cluster-auto-placement: the driver thread that moves slots toward rendezvous placement (docs/cluster.md).</summary>
public sealed partial class ClusterHost
{
    private PlacementDriver? _placement;

    // The driver runs whatever the setting says and checks it before each step, so CONFIG SET turns placement on and off live.
    private void StartPlacement(ServerState server) => _placement = new PlacementDriver(this, server, _log);

    private void StopPlacement() => _placement?.Dispose();
}
