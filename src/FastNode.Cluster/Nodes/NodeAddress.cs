namespace FastNode.Cluster.Nodes;

/// <summary>
/// Where a node is reached: the client port clients are redirected to, the bus port the cluster talks on, and an
/// optional announced hostname (Redis 7.0 cluster-announce-hostname). An empty Ip means "noaddr".
/// </summary>
public sealed record NodeAddress(string Ip, int Port, int BusPort, string Hostname = "")
{
    public static NodeAddress Unknown { get; } = new("", 0, 0);

    public BusEndpoint Bus => new(Ip, BusPort);

    /// <summary>The host a placement rule compares to keep a replica off its primary's machine.</summary>
    public string Host => Hostname.Length > 0 ? Hostname : Ip;
}
