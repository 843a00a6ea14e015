using FastNode.Server.Config;

namespace FastNode.Server.Cluster;

/// <summary>
/// tls-cluster yes, as Redis 7.0 derives its announced ports: the client port a node announces (and MOVED, CLUSTER
/// SLOTS and CLUSTER NODES show) is its TLS port (cluster-announce-tls-port, else tls-port), and its plaintext port is
/// kept beside it for CLUSTER SHARDS' "port" (cluster-announce-port, else port; only cluster-announce-port once
/// cluster-announce-tls-port is set, as in Redis). The bus then runs over TLS (TcpBusTransport).
/// </summary>
public sealed partial class ClusterHost
{
    private Network.Tls.TlsState? _tls;

    /// <summary>True while the cluster bus and the announced client ports are TLS.</summary>
    public bool TlsCluster => _serverOptions?.Tls.Cluster ?? false;

    /// <summary>This node's plaintext client port under tls-cluster (CLUSTER SHARDS "port"); 0 when there is none.</summary>
    public int PlainPort => _serverOptions is { } options ? AnnouncedPorts(options).PlainPort : 0;

    private (int Port, int PlainPort) AnnouncedPorts(ServerOptions options)
    {
        int tlsPort = _tls?.BoundPort ?? 0;
        if (options.Tls.Cluster && tlsPort != 0)
        {
            if (options.ClusterAnnounceTlsPort != 0) return (options.ClusterAnnounceTlsPort, options.ClusterAnnouncePort);
            return (tlsPort, options.ClusterAnnouncePort != 0 ? options.ClusterAnnouncePort : _boundPort);
        }
        return (options.ClusterAnnouncePort != 0 ? options.ClusterAnnouncePort : _boundPort, 0);
    }

    /// <summary>The bus port when cluster-port is 0: the announced client port + 10000 (the TLS port under tls-cluster).</summary>
    private static int DefaultBusPort(ServerState server) =>
        (server.Options.Tls.Cluster && server.Tls.BoundPort != 0 ? server.Tls.BoundPort : server.BoundPort) + 10000;
}
