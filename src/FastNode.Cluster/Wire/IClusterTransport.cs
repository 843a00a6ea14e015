using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// Sends finished frames. The server implements it over TCP (one link per peer, frames written whole); the
/// simulator over its seeded network. Sending must not block and may drop: the protocol tolerates loss. Received
/// frames go to <see cref="ClusterNode.Receive"/>.
/// </summary>
public interface IClusterTransport
{
    void Send(BusEndpoint to, byte[] frame);
}
