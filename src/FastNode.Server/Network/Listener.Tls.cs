using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using FastNode.Server.Network.Tls;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Network;

/// <summary>
/// The TLS listener on tls-port, on the same addresses as the plain one. A connection finishes its handshake
/// (bounded by a timeout) before it counts as a client; then an <see cref="SslStreamTransport"/> feeds the same
/// <see cref="Connection"/> as the plain port's. A client that speaks plaintext, presents no certificate when
/// tls-auth-clients requires one, or never finishes the handshake is closed.
/// </summary>
public sealed partial class Listener
{
    private readonly Lock _tlsLock = new();
    private List<Socket> _tlsSockets = [];
    private bool _started;

    /// <summary>The TLS listener's addresses (empty while tls-port is 0).</summary>
    public IReadOnlyList<IPEndPoint> TlsEndPoints
    {
        get
        {
            lock (_tlsLock)
            {
                var endPoints = new List<IPEndPoint>(_tlsSockets.Count);
                foreach (var socket in _tlsSockets) endPoints.Add((IPEndPoint)socket.LocalEndPoint!);
                return endPoints;
            }
        }
    }

    private void BindTls()
    {
        _server.Tls.Rebind = RebindTls;
        int port = _server.Options.Tls.Port;
        if (port == 0) return;
        var sockets = new List<Socket>();
        _server.Tls.BoundPort = BindAll(port, sockets);
        lock (_tlsLock) _tlsSockets = sockets;
    }

    private void StartTls()
    {
        lock (_tlsLock)
        {
            _started = true;
            foreach (var socket in _tlsSockets) _acceptLoops.Add(AcceptLoopAsync(socket, tls: true));
        }
    }

    private void StopTls()
    {
        lock (_tlsLock)
        {
            _started = false;
            foreach (var socket in _tlsSockets) socket.Dispose();
            _tlsSockets = [];
        }
    }

    /// <summary>CONFIG SET tls-port: binds the new port first (a port in use keeps the old listener), then closes the old one.</summary>
    private void RebindTls(int port)
    {
        var sockets = new List<Socket>();
        int bound = port == 0 ? 0 : BindAll(port, sockets);
        lock (_tlsLock)
        {
            foreach (var socket in _tlsSockets) socket.Dispose();
            _tlsSockets = sockets;
            _server.Tls.BoundPort = bound;
            if (_started)
            {
                foreach (var socket in sockets) _acceptLoops.Add(AcceptLoopAsync(socket, tls: true));
            }
        }
    }

    private async Task AcceptTlsAsync(Socket client)
    {
        if (_server.Tls.Context is not { } context || !Admit(client))
        {
            client.Dispose();
            return;
        }
        var stream = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        string remote = client.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_server.Options.Tls.HandshakeTimeout);
            await stream.AuthenticateAsServerAsync(context.ServerOptions, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException
            or ObjectDisposedException or System.ComponentModel.Win32Exception)
        {
            // As Redis: one line per failed handshake (a plaintext client, a missing or untrusted certificate, a timeout).
            _log.LogWarning("Error accepting a client connection: {Address}: {Reason}", remote,
                ex is OperationCanceledException ? "handshake timed out" : (ex.InnerException ?? ex).Message);
            await stream.DisposeAsync().ConfigureAwait(false);
            return;
        }
        var session = new ClientSession(remote, client.LocalEndPoint?.ToString() ?? "?", _server.NowMs);
        Serve(new SslStreamTransport(client, stream, session), session);
    }
}
