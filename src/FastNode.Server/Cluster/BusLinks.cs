using System.Net.Sockets;
using FastNode.Cluster.Nodes;

namespace FastNode.Server.Cluster;

/// <summary>One bus link as CLUSTER LINKS shows it (a copy, taken when asked).</summary>
/// <param name="Outbound">"to" (this node connected) or "from" (the peer connected).</param>
/// <param name="Endpoint">The peer's bus endpoint an outbound link goes to (null for inbound links).</param>
/// <param name="PeerId">The node id an inbound link's frames carry, once one was accepted (null before).</param>
/// <param name="CreatedUnixMs">When the connection was made.</param>
/// <param name="PendingBytes">Frames queued or being written on an outbound link.</param>
public sealed record BusLinkInfo(bool Outbound, BusEndpoint? Endpoint, string? PeerId, long CreatedUnixMs, long PendingBytes);

/// <summary>
/// An outbound link's queue: frames wait here while the link connects or writes. <see cref="PendingBytes"/> and
/// <see cref="ConnectedUnixMs"/> feed CLUSTER LINKS (0 = not connected).
/// </summary>
internal sealed class OutboundLink(System.Threading.Channels.Channel<byte[]> queue)
{
    public readonly System.Threading.Channels.Channel<byte[]> Queue = queue;
    public long PendingBytes;
    public long ConnectedUnixMs;
}

/// <summary>
/// A link a peer opened to our bus port. The peer's id is learnt from the first frame the cluster accepts on it
/// (the sender field of its header), so a link that only ever sent garbage never names a node.
/// </summary>
public sealed class InboundLink
{
    // Where the sender's id sits in a frame (see FrameHeader's layout).
    private const int SenderOffset = 20;

    private readonly Socket _socket;
    private volatile string? _peerId;

    internal InboundLink(Socket socket)
    {
        _socket = socket;
        CreatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    public long CreatedUnixMs { get; }

    public string? PeerId => _peerId;

    /// <summary>The cluster accepted a frame from this link: the link now belongs to its sender.</summary>
    public void Accepted(byte[] frame)
    {
        if (_peerId is null && frame.Length >= SenderOffset + NodeId.ByteLength)
        {
            _peerId = NodeId.FromBytes(frame.AsSpan(SenderOffset, NodeId.ByteLength)).ToString();
        }
    }

    /// <summary>The cluster rejected a frame from this link: drop the connection.</summary>
    public void Close() => _socket.Dispose();
}
