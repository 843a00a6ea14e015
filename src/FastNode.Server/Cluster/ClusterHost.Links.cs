namespace FastNode.Server.Cluster;

public sealed partial class ClusterHost
{
    /// <summary>The bus links now connected, both ways (CLUSTER LINKS); any thread.</summary>
    public List<BusLinkInfo> Links() => _transport.Links();
}
