using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;

namespace FastNode.Server.Cluster;

/// <summary>
/// tls-cluster yes: every bus link is a TLS session. As in Redis, both ends present a certificate signed by the
/// trusted CA, whatever tls-auth-clients says (that setting is for clients). The setting is read per link, so a
/// CONFIG SET applies to links made afterwards.
/// </summary>
public sealed partial class TcpBusTransport
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private bool UsesTls => _tls is not null && _tlsOptions is { Cluster: true };

    /// <summary>The TLS session over a connected outbound socket, or null for a plain link.</summary>
    private async Task<SslStream?> OpenTlsAsync(Socket socket, string host, CancellationToken ct)
    {
        if (!UsesTls) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HandshakeTimeout);
        return (SslStream)await Network.Tls.TlsDial.OpenAsync(_tls!, socket, host, useTls: true, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>An accepted link's stream after the server side of the handshake (the stream itself for a plain link).</summary>
    private async Task<Stream> AcceptTlsAsync(Stream inner, CancellationToken ct)
    {
        if (!UsesTls) return inner;
        var context = _tls!.ForDialing;
        var stream = new SslStream(inner, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HandshakeTimeout);
        try
        {
            await stream.AuthenticateAsServerAsync(context.PeerServerOptions, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return stream;
    }

    /// <summary>A batch of frames as one write (one TLS record per 16 KB rather than one per frame).</summary>
    private static async Task WriteAsync(SslStream stream, List<ArraySegment<byte>> batch, int bytes, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            int at = 0;
            foreach (var frame in batch)
            {
                frame.AsSpan().CopyTo(buffer.AsSpan(at));
                at += frame.Count;
            }
            await stream.WriteAsync(buffer.AsMemory(0, at), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
