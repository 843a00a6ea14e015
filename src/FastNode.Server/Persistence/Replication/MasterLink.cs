using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using FastNode.Protocol;
using Ascii = FastNode.Server.Commands.Ascii;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// A replica's link to its primary (Redis's replication handshake, docs "Replication"): connect, PING, AUTH,
/// REPLCONF listening-port / capa eof psync2, PSYNC with this server's history id and offset; on +FULLRESYNC load the
/// snapshot, on +CONTINUE go on; then apply the stream (<see cref="FeedReplayer"/>) and pass its bytes on unchanged
/// through the change feed (sub-replicas, AOF, backlog), so offsets match the primary's all down a chain.
/// Acknowledges the processed offset every second and on REPLCONF GETACK. Reconnects after a second when the link
/// drops, logging one line per failed attempt.
/// </summary>
public sealed class MasterLink
{
    private readonly ServerState _server;
    private readonly ReplicationState _replication;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _send = new();
    private Socket? _socket;
    private Stream? _stream;      // the socket's stream, TLS with tls-replication yes
    private Task _run = Task.CompletedTask;
    private long _lastAckMs;
    private int _streamDb;        // the database the stream selected as of the last byte passed on; kept across reconnects
    private byte[] _raw = new byte[64 * 1024];   // received bytes not yet passed on
    private int _rawCount;
    private long _rawStart;       // replayer position of _raw[0]
    private int _unread;          // bytes at the end of _raw not yet taken by the replayer (a cut command)
    private long _txStart = -1;   // replayer position of an open MULTI whose bytes wait for its EXEC
    private bool _ackRequested;

    private readonly bool _failover;  // this server was a primary handing over to this one (FAILOVER)

    public MasterLink(ServerState server, ReplicationState replication, string host, int port, bool failover = false, int streamDb = 0)
    {
        _failover = failover;
        _streamDb = streamDb;
        _server = server;
        _replication = replication;
        _log = server.Loggers.CreateLogger("FastNode.Replication");
        Host = host;
        Port = port;
        DownSinceMs = server.NowMs;
    }

    public string Host { get; }
    public int Port { get; }

    /// <summary>master_link_status: up once the sync is done and the stream flows.</summary>
    public volatile bool Up;

    /// <summary>master_sync_in_progress: a snapshot is being received.</summary>
    public volatile bool SyncInProgress;

    /// <summary>Unix ms of the last bytes from the primary (master_last_io_seconds_ago).</summary>
    public long LastIoMs;

    /// <summary>Unix ms when the link went down (master_link_down_since_seconds).</summary>
    public long DownSinceMs;

    /// <summary>slave_read_repl_offset: the offset of the last byte received (processed or not).</summary>
    public long ReadOffset;

    /// <summary>The session that applies the stream (CLIENT LIST flags=M), while connected.</summary>
    public Sessions.ClientSession? Session { get; private set; }

    public void Start() => _run = Task.Run(RunAsync);

    public void Stop()
    {
        _stop.Cancel();
        try
        {
            _socket?.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Server cron: an ACK every second while the stream flows (Redis replicationCron).</summary>
    public void Cron(long nowMs)
    {
        if (Up && nowMs - _lastAckMs >= 1000) SendAck();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await SessionAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                _log.LogWarning("Replication link to MASTER {Host}:{Port} failed: {Reason}", Host, Port, ex.Message);
                // A hand-over that cannot reach its target ends: this server is a primary again (Redis aborts too).
                if (_replication.Failover.State == FailoverState.InProgress) _replication.Failover.Abort("Failover target link failed: " + ex.Message);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            finally
            {
                if (Up || SyncInProgress || DownSinceMs == 0) DownSinceMs = _server.NowMs;
                Up = false;
                SyncInProgress = false;
                if (Session is { } session) _server.Clients.Remove(session);
                Session = null;
                _socket?.Dispose();
                lock (_send)
                {
                    _stream?.Dispose();
                    _stream = null;
                }
            }
            try
            {
                await Task.Delay(1000, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task SessionAsync()
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, _server.Options.ReplTimeout));
        var socket = _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            connect.CancelAfter(timeout);
            await socket.ConnectAsync(Host, Port, connect.Token).ConfigureAwait(false);
        }
        if (IsSelf(socket)) throw new IOException("the primary is this server itself");
        Stream stream;
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            handshake.CancelAfter(timeout);
            stream = _stream = await Network.Tls.TlsDial.OpenAsync(_server.Tls, socket, Host, _server.Options.Tls.Replication, handshake.Token).ConfigureAwait(false);
        }
        var reader = new LinkReader(stream, timeout, _stop.Token);

        string reply = await CommandAsync(reader, "PING").ConfigureAwait(false);
        if (reply.StartsWith('-') && !reply.StartsWith("-NOAUTH") && !reply.StartsWith("-NOPERM") && !reply.StartsWith("-ERR operation not permitted"))
            throw new IOException("Error reply to PING from master: '" + reply + "'");
        var options = _server.Options;
        if (options.MasterAuth.Length > 0)
        {
            reply = options.MasterUser.Length > 0
                ? await CommandAsync(reader, "AUTH", options.MasterUser, options.MasterAuth).ConfigureAwait(false)
                : await CommandAsync(reader, "AUTH", options.MasterAuth).ConfigureAwait(false);
            if (reply.StartsWith('-')) throw new IOException("Unable to AUTH to MASTER: " + reply);
        }
        // As Redis: with tls-replication the replica is reached on its TLS port.
        int port = options.ReplicaAnnouncePort > 0 ? options.ReplicaAnnouncePort
            : options.Tls.Replication && _server.Tls.BoundPort > 0 ? _server.Tls.BoundPort : _server.BoundPort;
        await CommandAsync(reader, "REPLCONF", "listening-port", port.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (options.ReplicaAnnounceIp.Length > 0) await CommandAsync(reader, "REPLCONF", "ip-address", options.ReplicaAnnounceIp).ConfigureAwait(false);
        await CommandAsync(reader, "REPLCONF", "capa", "eof", "capa", "psync2").ConfigureAwait(false);

        long from = _server.Feed.Offset + 1;
        bool handingOver = _failover && _replication.Failover.State == FailoverState.InProgress;
        string offsetText = from.ToString(CultureInfo.InvariantCulture);
        reply = handingOver
            ? await CommandAsync(reader, "PSYNC", _replication.ReplId, offsetText, "FAILOVER").ConfigureAwait(false)
            : _replication.HistoryKnown
                ? await CommandAsync(reader, "PSYNC", _replication.ReplId, offsetText).ConfigureAwait(false)
                : await CommandAsync(reader, "PSYNC", "?", "-1").ConfigureAwait(false);
        while (reply.Length == 0) reply = await reader.ReadLineAsync().ConfigureAwait(false);
        if (handingOver)
        {
            if (reply.StartsWith("+FULLRESYNC", StringComparison.Ordinal) || reply.StartsWith("+CONTINUE", StringComparison.Ordinal))
                _replication.Failover.Completed();
            else
            {
                // Aborting makes this server a primary again, which stops this link.
                _replication.Failover.Abort("Failover target rejected psync request");
                return;
            }
        }

        if (reply.StartsWith("+FULLRESYNC", StringComparison.Ordinal))
        {
            var parts = reply.Split(' ');
            if (parts.Length < 3 || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out long offset))
                throw new IOException("bad FULLRESYNC reply: " + reply);
            SyncInProgress = true;
            _log.LogInformation("Full resync from master: {Id}:{Offset}", parts[1], offset);
            var payload = await ReadSnapshotAsync(reader).ConfigureAwait(false);
            _streamDb = Load(payload, parts[1], offset);
            SyncInProgress = false;
        }
        else if (reply.StartsWith("+CONTINUE", StringComparison.Ordinal))
        {
            var parts = reply.Split(' ');
            if (parts.Length >= 2 && parts[1].Length == 40) _replication.SwitchHistory(parts[1]);
            _log.LogInformation("Successful partial resynchronization with master at offset {Offset}", from - 1);
        }
        else throw new IOException("unexpected reply to PSYNC: " + reply);

        await StreamAsync(reader).ConfigureAwait(false);
    }

    /// <summary>The snapshot after +FULLRESYNC: "$len" then len bytes, or "$EOF:mark" then bytes ending with the mark.</summary>
    private async Task<MemoryStream> ReadSnapshotAsync(LinkReader reader)
    {
        string header;
        do header = await reader.ReadLineAsync().ConfigureAwait(false);   // the primary sends bare newlines while it prepares the snapshot
        while (header.Length == 0);
        if (header[0] == '-') throw new IOException("MASTER aborted replication with an error: " + header);
        if (header[0] != '$') throw new IOException("Bad protocol from MASTER, the first byte is not '$': " + header);
        var payload = new MemoryStream();
        if (header.StartsWith("$EOF:", StringComparison.Ordinal) && header.Length == 45)
            await reader.CopyUntilMarkAsync(payload, Encoding.Latin1.GetBytes(header[5..])).ConfigureAwait(false);
        else if (long.TryParse(header.AsSpan(1), CultureInfo.InvariantCulture, out long length) && length >= 0)
            await reader.CopyExactAsync(payload, length).ConfigureAwait(false);
        else throw new IOException("bad snapshot header: " + header);
        payload.Position = 0;
        LastIoMs = _server.NowMs;
        return payload;
    }

    /// <summary>Replaces the dataset with the snapshot, with writers stopped; the stream continues from its offset.</summary>
    private int Load(MemoryStream payload, string replid, long offset)
    {
        int db = 0;
        _server.Feed.Gate.Pause(() =>
        {
            for (int d = 0; d < _server.DatabaseCount; d++) _server.Database(d).Flush();
            db = SnapshotFormat.Load(payload, _server);
            _replication.AdoptHistory(replid, offset);
        });
        // Sub-replicas followed the old history: they reconnect and sync from the new one.
        _replication.DropReplicas();
        _log.LogInformation("MASTER <-> REPLICA sync: Finished with success ({Bytes} bytes)", payload.Length);
        return db;
    }

    /// <summary>The database the stream has selected as of what was applied and passed on (read with writers paused).</summary>
    public int StreamDb => _streamDb;

    private async Task StreamAsync(LinkReader reader)
    {
        // CLIENT LIST shows the link with the primary's address, as Redis does.
        var replayer = new FeedReplayer(_server, $"{Host}:{Port}");
        replayer.Session.IsMasterLink = true;
        replayer.Session.DbIndex = _streamDb;
        replayer.Applied = OnApplied;
        Session = replayer.Session;
        var socket = _socket!;
        replayer.Session.OnKill(_ => socket.Dispose());
        _server.Clients.Add(replayer.Session);
        _rawCount = 0;
        _rawStart = 0;
        _unread = 0;
        _txStart = -1;
        ReadOffset = _server.Feed.Offset;
        Up = true;
        LastIoMs = _server.NowMs;
        SendAck();
        var gate = _server.Feed.Gate;
        while (!_stop.IsCancellationRequested)
        {
            var chunk = await reader.ReadChunkAsync().ConfigureAwait(false);
            LastIoMs = _server.NowMs;
            ReadOffset += chunk.Length;
            Keep(chunk.Span);
            // The reader leaves a short cut command in its input ("in the pipe"): it is handed over again, with
            // what follows it, from the kept bytes.
            _unread += chunk.Length;
            var sequence = new ReadOnlySequence<byte>(_raw, _rawCount - _unread, _unread);
            // The gate is held across applying a command and passing its bytes on: a sub-replica's snapshot point
            // can then never fall between the two.
            bool ordered = gate.Enter();
            try
            {
                replayer.Apply(ref sequence);
            }
            finally
            {
                gate.Exit(ordered);
            }
            _unread = (int)sequence.Length;
            Compact(_txStart >= 0 ? _txStart : replayer.CommandEnd);
            if (_ackRequested)
            {
                _ackRequested = false;
                SendAck();
            }
        }
    }

    /// <summary>After each applied command: pass its bytes on (a transaction's all at once, at its EXEC).</summary>
    private void OnApplied(long start, long end, CommandArgs args)
    {
        bool inTransaction = Session?.Multi is not null;
        if (inTransaction)
        {
            if (_txStart < 0) _txStart = start;
            return;
        }
        if (_txStart >= 0)
        {
            start = _txStart;
            _txStart = -1;
        }
        int dbBefore = _streamDb;
        // PING, REPLCONF and PUBLISH/SPUBLISH go on to sub-replicas but never into this server's AOF (Redis propagates
        // a PUBLISH to replicas only).
        bool replicationOnly = Ascii.EqualsIgnoreCase(args[0], "PING"u8) || Ascii.EqualsIgnoreCase(args[0], "REPLCONF"u8)
            || Ascii.EqualsIgnoreCase(args[0], "PUBLISH"u8) || Ascii.EqualsIgnoreCase(args[0], "SPUBLISH"u8);
        if (args.Count >= 2 && Ascii.EqualsIgnoreCase(args[0], "REPLCONF"u8) && Ascii.EqualsIgnoreCase(args[1], "GETACK"u8)) _ackRequested = true;
        _server.Feed.Relay(_raw.AsSpan((int)(start - _rawStart), (int)(end - start)), replicationOnly, dbBefore);
        _streamDb = Session!.DbIndex;
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_rawCount + bytes.Length > _raw.Length) Array.Resize(ref _raw, Math.Max(_raw.Length * 2, _rawCount + bytes.Length));
        bytes.CopyTo(_raw.AsSpan(_rawCount));
        _rawCount += bytes.Length;
    }

    /// <summary>Drops the kept bytes before replayer position <paramref name="upTo"/> (already passed on).</summary>
    private void Compact(long upTo)
    {
        int drop = (int)(upTo - _rawStart);
        if (drop <= 0) return;
        _raw.AsSpan(drop, _rawCount - drop).CopyTo(_raw);
        _rawCount -= drop;
        _rawStart = upTo;
    }

    private void SendAck()
    {
        _lastAckMs = _server.NowMs;
        string offset = _server.Feed.Offset.ToString(CultureInfo.InvariantCulture);
        try
        {
            Send(Encode("REPLCONF", "ACK", offset));
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or NotSupportedException)
        {
        }
    }

    private async Task<string> CommandAsync(LinkReader reader, params string[] args)
    {
        Send(Encode(args));
        return await reader.ReadLineAsync().ConfigureAwait(false);
    }

    private void Send(byte[] bytes)
    {
        lock (_send) _stream?.Write(bytes);
    }

    private static byte[] Encode(params string[] args)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args) sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>A primary that is this very server (REPLICAOF its own address): the handshake would never end.</summary>
    private bool IsSelf(Socket socket) =>
        socket.RemoteEndPoint is System.Net.IPEndPoint remote && socket.LocalEndPoint is System.Net.IPEndPoint local
        && (remote.Port == _server.BoundPort || remote.Port == _server.Tls.BoundPort) && (System.Net.IPAddress.IsLoopback(remote.Address) || remote.Address.Equals(local.Address));
}
