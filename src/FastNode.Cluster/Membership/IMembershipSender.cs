using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Membership;

/// <summary>How the membership sends; the cluster node puts each message in a frame and hands it to the transport.</summary>
public interface IMembershipSender
{
    /// <summary><paramref name="to"/> is None when the recipient's id is unknown (a join).</summary>
    void Send(NodeId to, BusEndpoint endpoint, IBusMessage message);
}
