using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Cluster;

/// <summary>
/// The cluster bus over TCP on cluster-port. Outbound: one link per peer endpoint, connected lazily, fed by a bounded
/// queue; <see cref="Send"/> never blocks and drops when the queue is full or the peer cannot be reached (the protocol
/// tolerates loss). Inbound: every accepted link reads 8 bytes (magic and length), then the rest of the frame, and hands
/// the whole frame to <see cref="FrameReceived"/> with a callback that closes the link (called when the frame is
/// rejected).
/// What it deliberately does not do:
/// 1. No replay protection for authenticated frames (a per-link nonce is future work).
/// 2. No reuse of an inbound link for sending: each side connects to the other's bus port.
/// </summary>
public sealed partial class TcpBusTransport : IClusterTransport, IDisposable
{
    private const int QueueCapacity = 1024;
    private const int ConnectTimeoutMs = 2000;
    private const int SendBatchBytes = 256 * 1024;
    // A frame's buffer starts at most this big and doubles as its bytes arrive: a length field alone (up to the 4 MiB
    // frame limit) cannot make the node allocate what the peer never sends.
    private const int FirstReadBytes = 64 * 1024;

    private readonly ConcurrentDictionary<BusEndpoint, OutboundLink> _links = new();
    private readonly ConcurrentDictionary<InboundLink, byte> _inbound = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Socket _listener;
    private readonly BusFrameCodec _codec;
    private readonly ILogger _log;
    private long _lastRejectLogMs;

    private readonly Network.Tls.TlsState? _tls;
    private readonly Network.Tls.TlsOptions? _tlsOptions;

    /// <param name="tls">With tls-cluster yes (read per link), links are TLS both ways (TcpBusTransport.Tls.cs).</param>
    public TcpBusTransport(IPAddress address, int port, BusFrameCodec codec, ILogger log,
        Network.Tls.TlsState? tls = null, Network.Tls.TlsOptions? tlsOptions = null)
    {
        _codec = codec;
        _log = log;
        _tls = tls;
        _tlsOptions = tlsOptions;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(address, port));
        _listener.Listen(128);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    /// <summary>The bound bus port.</summary>
    public int Port { get; }

    /// <summary>Called on a pool thread for each whole frame read, with the link it came from.</summary>
    public Action<byte[], InboundLink>? FrameReceived { get; set; }

    /// <summary>The connected links, both ways (CLUSTER LINKS).</summary>
    public List<BusLinkInfo> Links()
    {
        var links = new List<BusLinkInfo>();
        foreach (var (endpoint, link) in _links)
        {
            long connected = Interlocked.Read(ref link.ConnectedUnixMs);
            if (connected != 0) links.Add(new(true, endpoint, null, connected, Math.Max(0, Interlocked.Read(ref link.PendingBytes))));
        }
        foreach (var link in _inbound.Keys) links.Add(new(false, null, link.PeerId, link.CreatedUnixMs, 0));
        return links;
    }

    public void Start() => _ = AcceptLoopAsync();

    public void Send(BusEndpoint to, byte[] frame)
    {
        if (_stopping.IsCancellationRequested || to.Port <= 0 || to.Ip.Length == 0) return;
        if (!_links.TryGetValue(to, out var link))
        {
            link = new OutboundLink(Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueCapacity)
            {
                // Wait mode's TryWrite answers false when the queue is full (DropWrite would answer true), so a
                // dropped frame is neither written nor counted in PendingBytes.
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            }));
            if (_links.TryAdd(to, link)) _ = SendLoopAsync(to, link);
            else link = _links[to];
        }
        if (link.Queue.Writer.TryWrite(frame)) Interlocked.Add(ref link.PendingBytes, frame.Length);
    }

    /// <summary>Logs a rejected frame at most once a second (a flood of garbage must not flood the log).</summary>
    public void LogRejection(FrameRejection rejection)
    {
        long now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastRejectLogMs) < 1000) return;
        Interlocked.Exchange(ref _lastRejectLogMs, now);
        _log.LogWarning("Cluster bus: dropped a frame ({Rejection}) and closed its link", rejection);
    }

    private async Task SendLoopAsync(BusEndpoint to, OutboundLink link)
    {
        var ct = _stopping.Token;
        var queue = link.Queue.Reader;
        try
        {
            while (await queue.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        timeout.CancelAfter(ConnectTimeoutMs);
                        await socket.ConnectAsync(to.Ip, to.Port, timeout.Token).ConfigureAwait(false);
                    }
                    await using var secure = await OpenTlsAsync(socket, to.Ip, ct).ConfigureAwait(false);
                    Interlocked.Exchange(ref link.ConnectedUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    // Whatever is queued goes out in one send (pub/sub traffic can queue thousands of small frames).
                    var batch = new List<ArraySegment<byte>>(64);
                    while (await queue.WaitToReadAsync(ct).ConfigureAwait(false))
                    {
                        batch.Clear();
                        int bytes = 0;
                        while (bytes < SendBatchBytes && queue.TryRead(out var frame))
                        {
                            batch.Add(frame);
                            bytes += frame.Length;
                        }
                        if (batch.Count > 0 && secure is not null) await WriteAsync(secure, batch, bytes, ct).ConfigureAwait(false);
                        else if (batch.Count > 0) await socket.SendAsync(batch, SocketFlags.None).WaitAsync(ct).ConfigureAwait(false);
                        Interlocked.Add(ref link.PendingBytes, -bytes);
                    }
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException or ObjectDisposedException)
                {
                    Interlocked.Exchange(ref link.ConnectedUnixMs, 0);
                    if (ct.IsCancellationRequested) return;
                    // The peer is unreachable: what was queued for it is lost (as a dropped datagram would be).
                    while (queue.TryRead(out _)) { }
                    Interlocked.Exchange(ref link.PendingBytes, 0);
                    _log.LogDebug("Cluster bus link to {Peer} failed: {Error}", to, ex.Message);
                    await Task.Delay(100, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (ct.IsCancellationRequested) return;
                continue;
            }
            _ = ReadLoopAsync(client);
        }
    }

    private async Task ReadLoopAsync(Socket client)
    {
        var ct = _stopping.Token;
        client.NoDelay = true;
        Stream inner = new NetworkStream(client, ownsSocket: true);
        var prefix = new byte[8];
        var link = new InboundLink(client);
        _inbound.TryAdd(link, 0);
        try
        {
            inner = await AcceptTlsAsync(inner, ct).ConfigureAwait(false);
            using var stream = new BufferedStream(inner, FirstReadBytes);
            while (!ct.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(prefix, ct).ConfigureAwait(false);
                var rejection = _codec.TryReadLength(prefix, out int length);
                if (rejection != FrameRejection.None || length < prefix.Length)
                {
                    LogRejection(rejection == FrameRejection.None ? FrameRejection.BadLength : rejection);
                    return;
                }
                var frame = new byte[Math.Min(length, FirstReadBytes)];
                prefix.CopyTo(frame, 0);
                int have = prefix.Length;
                while (have < length)
                {
                    if (have == frame.Length) Array.Resize(ref frame, (int)Math.Min(length, frame.Length * 2L));
                    int read = await stream.ReadAsync(frame.AsMemory(have, frame.Length - have), ct).ConfigureAwait(false);
                    if (read == 0) return;
                    have += read;
                }
                FrameReceived?.Invoke(frame, link);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException or ObjectDisposedException or EndOfStreamException
            or System.Security.Authentication.AuthenticationException)
        {
        }
        finally
        {
            _inbound.TryRemove(link, out _);
            await inner.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Dispose();
        foreach (var link in _links.Values) link.Queue.Writer.TryComplete();
    }
}
