using System.Net;
using System.Net.Sockets;
using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.IntegrationTests;

/// <summary>
/// Raw frames for a live node's cluster bus port: well-formed ones built with the real codec (for the default cluster
/// name, with or without a secret), and a check that the node closed the link after one.
/// </summary>
internal static class BusFrames
{
    public static readonly ulong ClusterId = BusFrameCodec.ClusterIdOf("fastnode");

    public static BusFrameCodec Codec(string? secret = null, ulong? clusterId = null) =>
        new(clusterId ?? ClusterId, secret is null ? null : System.Text.Encoding.UTF8.GetBytes(secret));

    public static byte[] Encode(BusFrameCodec codec, IBusMessage message, NodeId sender, long currentEpoch = 0) =>
        codec.Encode(new FrameHeader(message.Type, FrameFlags.None, codec.ClusterId, sender, currentEpoch, 0, 0), message);

    /// <summary>
    /// A frame that would hand every slot to a node nobody knows, at a config epoch far above the cluster's: if a node
    /// accepted it, CLUSTER NODES would change at once.
    /// </summary>
    public static IBusMessage SlotTheft(NodeId thief, int busPort) => new GossipMessage([new AliveItem(thief, 1, new NodeConfig
    {
        Address = new NodeAddress("127.0.0.1", 1, busPort),
        ShardId = thief,
        ConfigEpoch = 1000,
        Slots = SlotSet.Range(0, 16383),
    })]);

    /// <summary>One valid instance of a few message types, as seeds for mutation.</summary>
    public static IBusMessage[] Samples(NodeId someone, int busPort) =>
    [
        new PingMessage(7, someone, [new SuspectItem(someone, 3, someone)]),
        new AckMessage(7, []),
        new PingRequestMessage(9, someone, new BusEndpoint("127.0.0.1", busPort)),
        new AccusationMessage(someone, 2),
        new FailoverAuthRequestMessage(someone, 5, false, SlotSet.Range(0, 100)),
        new StateSyncMessage(false, [new MemberRecord(someone, 1, MemberState.Alive, new NodeConfig { Address = new NodeAddress("127.0.0.1", 1, busPort) })]),
        new PublishMessage(false, "ch"u8.ToArray(), "payload"u8.ToArray()),
        SlotTheft(someone, busPort),
    ];

    public static Socket Connect(int busPort)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, LingerState = new LingerOption(true, 0) };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, busPort));
        return socket;
    }

    /// <summary>
    /// Sends <paramref name="frame"/> on a new link and reports whether the node closed it within the timeout. With
    /// <paramref name="endOfInput"/> our side then stops sending (for a frame cut short, which the node would
    /// otherwise keep waiting for).
    /// </summary>
    public static bool SendAndSeeClosed(int busPort, byte[] frame, bool endOfInput = false, int timeoutMs = 10_000)
    {
        using var socket = Connect(busPort);
        try
        {
            socket.Send(frame);
            if (endOfInput) socket.Shutdown(SocketShutdown.Send);
            socket.ReceiveTimeout = timeoutMs;
            var buffer = new byte[64];
            return socket.Receive(buffer) == 0;   // the node never writes on an inbound link
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
        {
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }

    /// <summary>CLUSTER NODES reduced to what must not change: id, role flags, primary, config epoch and slots of each node.</summary>
    public static string Configuration(string clusterNodesReply) => string.Join("\n",
        clusterNodesReply.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Split(' ').Length >= 8)
            .Select(line =>
            {
                var f = line.Split(' ');
                // A moment's suspicion (fail?) on a loaded machine is not a configuration change.
                string flags = string.Join(',', f[2].Split(',').Where(flag => flag != "fail?"));
                return string.Join(' ', [f[0], f[1], flags, f[3], f[6], .. f.Skip(8)]);
            })
            .Order(StringComparer.Ordinal));
}
