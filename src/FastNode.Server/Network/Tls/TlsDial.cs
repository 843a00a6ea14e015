using System.Net.Security;
using System.Net.Sockets;

namespace FastNode.Server.Network.Tls;

/// <summary>
/// The stream of a link this server dials (a replica to its primary, a cluster bus link): the plain socket, or a TLS
/// session over it when the setting for that link (tls-replication, tls-cluster) is on. The handshake presents
/// tls-client-cert-file (or the server certificate) and checks the peer against the trusted CAs.
/// </summary>
public static class TlsDial
{
    /// <summary>Wraps a connected socket; the handshake is bounded by <paramref name="cancel"/>. Throws IOException when it fails.</summary>
    public static async Task<Stream> OpenAsync(TlsState tls, Socket socket, string host, bool useTls, CancellationToken cancel)
    {
        var network = new NetworkStream(socket, ownsSocket: false);
        if (!useTls) return network;
        var context = tls.ForDialing;
        var stream = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(context.ClientOptions(host), cancel).ConfigureAwait(false);
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new IOException("TLS handshake failed: " + ex.Message, ex);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return stream;
    }
}
