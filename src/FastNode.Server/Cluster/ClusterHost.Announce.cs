using FastNode.Cluster.Nodes;
using FastNode.Server.Config;

namespace FastNode.Server.Cluster;

/// <summary>
/// The address this node announces: cluster-announce-ip/-port/-bus-port/-hostname (and -tls-port, ClusterHost.Tls.cs), each falling back to the bound
/// address when unset. Redis 7.0 lets CONFIG SET change them at run time; the cluster thread checks them every tick.
/// </summary>
public sealed partial class ClusterHost
{
    private string _boundIp = "127.0.0.1";
    private int _boundPort;

    private NodeAddress Announced(ServerOptions options) => new(
        options.ClusterAnnounceIp.Length > 0 ? options.ClusterAnnounceIp : _boundIp,
        AnnouncedPorts(options).Port,
        options.ClusterAnnounceBusPort != 0 ? options.ClusterAnnounceBusPort : _transport.Port,
        options.ClusterAnnounceHostname);

    // Cluster thread, every tick: a changed setting becomes this node's address (compared field by field, so an
    // unchanged tick allocates nothing).
    private void ApplyAnnouncedAddress()
    {
        if (_serverOptions is not { } options) return;
        var current = _node.Config.Address;
        string ip = options.ClusterAnnounceIp.Length > 0 ? options.ClusterAnnounceIp : _boundIp;
        int port = AnnouncedPorts(options).Port;
        int bus = options.ClusterAnnounceBusPort != 0 ? options.ClusterAnnounceBusPort : _transport.Port;
        if (current.Ip == ip && current.Port == port && current.BusPort == bus && current.Hostname == options.ClusterAnnounceHostname) return;
        _node.Announce(Announced(options));
    }
}
