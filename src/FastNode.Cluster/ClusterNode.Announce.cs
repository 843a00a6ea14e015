using FastNode.Cluster.Nodes;

namespace FastNode.Cluster;

public sealed partial class ClusterNode
{
    /// <summary>
    /// The cluster-announce-* settings changed (CONFIG SET, as Redis 7.0 allows): this node's announced ip, ports and
    /// hostname become the new ones and spread with its next configuration update.
    /// </summary>
    public void Announce(NodeAddress address) => ChangeSelf(Config with { Address = address });
}
