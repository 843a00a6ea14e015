using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Network;

/// <summary>
/// Accepts TCP clients on every bind address and gives each a transport (<see cref="IConnectionTransport"/>) and a
/// <see cref="Connection"/>.
/// Bind is separate from Run so that a port already in use is reported before the host starts.
/// </summary>
public sealed partial class Listener : IAsyncDisposable
{
    private readonly ServerState _server;
    private readonly ILogger _log;
    private readonly List<Socket> _sockets = [];
    private readonly ConcurrentDictionary<Connection, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];

    public Listener(ServerState server)
    {
        _server = server;
        _log = server.Loggers.CreateLogger("FastNode.Listener");
    }

    public IReadOnlyList<IPEndPoint> EndPoints
    {
        get
        {
            var endPoints = new List<IPEndPoint>(_sockets.Count);
            foreach (var socket in _sockets) endPoints.Add((IPEndPoint)socket.LocalEndPoint!);
            return endPoints;
        }
    }

    /// <summary>Binds every address in the `bind` setting. Throws SocketException (e.g. AddressAlreadyInUse).</summary>
    public void Bind()
    {
        _server.BoundPort = BindAll(_server.Options.Port, _sockets);
        // tls-port: a TLS listener on the same addresses (Listener.Tls.cs).
        BindTls();
    }

    /// <summary>Binds <paramref name="port"/> on every address of `bind` into <paramref name="sockets"/>; returns the port bound.</summary>
    private int BindAll(int port, List<Socket> sockets)
    {
        foreach (var text in _server.Options.Bind.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Redis marks optional addresses with a leading '-': skip them if they cannot be bound.
            bool optional = text.StartsWith('-');
            var address = ParseAddress(optional ? text[1..] : text);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = address.Equals(IPAddress.IPv6Any);
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(_server.Options.TcpBacklog);
            }
            catch (SocketException) when (optional)
            {
                socket.Dispose();
                continue;
            }
            catch
            {
                socket.Dispose();
                foreach (var bound in sockets) bound.Dispose();
                sockets.Clear();
                throw;
            }
            sockets.Add(socket);
            port = ((IPEndPoint)socket.LocalEndPoint!).Port;  // port 0: every address shares the one picked first
        }
        return port;
    }

    private static IPAddress ParseAddress(string text) => text switch
    {
        "*" => IPAddress.Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.Parse(text),
    };

    public void Start()
    {
        foreach (var socket in _sockets) _acceptLoops.Add(AcceptLoopAsync(socket, tls: false));
        StartTls();
    }

    private async Task AcceptLoopAsync(Socket listenSocket, bool tls)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listenSocket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException ex)
            {
                _log.LogWarning("accept failed: {Error}", ex.SocketErrorCode);
                continue;
            }
            if (tls) _ = AcceptTlsAsync(client);
            else Accept(client);
        }
    }

    private void Accept(Socket client)
    {
        if (!Admit(client)) return;
        var session = new ClientSession(client.RemoteEndPoint?.ToString() ?? "?", client.LocalEndPoint?.ToString() ?? "?", _server.NowMs);
        IConnectionTransport pump = _server.Options.UsesEpoll
            ? new Epoll.EpollTransport(client, Epoll.EpollLoop.Next(_server.Options.IoThreads), session)
            : new SocketPump(client, session);
        Serve(pump, session);
    }

    /// <summary>Counts the connection and applies maxclients and tcp-keepalive; false when it was turned away (and closed).</summary>
    private bool Admit(Socket client)
    {
        client.NoDelay = true;
        Interlocked.Increment(ref _server.Stats.ConnectionsReceived);
        if (_server.Clients.Count >= _server.Options.MaxClients)
        {
            Interlocked.Increment(ref _server.Stats.RejectedConnections);
            Reject(client);
            return false;
        }
        if (_server.Options.TcpKeepAlive > 0)
        {
            client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, _server.Options.TcpKeepAlive);
        }
        return true;
    }

    /// <summary>Runs the client's command loop over its transport until it leaves.</summary>
    private void Serve(IConnectionTransport pump, ClientSession session)
    {
        var connection = new Connection(pump.Input, pump.Output, _server, session, _log, pump.Close, pump.Wake);
        // Register before starting: a connection that ends synchronously removes itself in RunConnectionAsync's
        // finally, which must not run before the entry exists (it would leak one entry per such client).
        _connections[connection] = Task.CompletedTask;
        var running = RunConnectionAsync(pump, connection);
        _connections.TryUpdate(connection, running, Task.CompletedTask);
    }

    private async Task RunConnectionAsync(IConnectionTransport pump, Connection connection)
    {
        try
        {
            var receiving = pump.ReceiveAsync();
            var sending = pump.SendAsync();
            // Off the accepting thread (.NET's socket engine thread): a first request already received would otherwise
            // run on it, and a long one (a runaway script) would stop every later accept.
            await Task.Yield();
            await connection.RunAsync().ConfigureAwait(false);
            await sending.ConfigureAwait(false);
            pump.Close();
            await receiving.ConfigureAwait(false);
            if (pump.UnexpectedError is { } error) _log.LogError("client {Id} socket error {Error}", connection.Session.Id, error);
            if (pump.Failure is { } failure) _log.LogError(failure, "client {Id} closed after an error in its event loop", connection.Session.Id);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "client {Id} failed", connection.Session.Id);
            pump.Close();
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }

    private static void Reject(Socket client)
    {
        try
        {
            // A fresh socket's send buffer takes a short error without blocking.
            client.Send("-ERR max number of clients reached\r\n"u8);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException) { }
        client.Dispose();
    }

    /// <summary>Stops accepting, lets every connection finish the batch it is in and flush it, then closes them.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _stopping.Cancel();
        foreach (var socket in _sockets) socket.Dispose();
        StopTls();
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        foreach (var connection in _connections.Keys) connection.Abort(Network.DisconnectReason.ServerShutdown);
        var all = Task.WhenAll(_connections.Values);
        if (await Task.WhenAny(all, Task.Delay(grace)).ConfigureAwait(false) != all)
        {
            foreach (var connection in _connections.Keys) connection.Session.Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
