using System.Net.Sockets;
using System.Text;
using FastNode.Protocol;
using FastNode.Server.Persistence.Rdb;
using FastNode.Server.Storage;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Persistence;

/// <summary>
/// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password] [AUTH2 username password]
/// [KEYS key ...]: sends each existing key to the target as RESTORE (works towards FastNode and redis-server), then
/// deletes the ones the target accepted unless COPY. Like Redis, it blocks the calling connection's thread for at most
/// the timeout per network step; no shard lock is held while talking to the target. One connection per call (Redis
/// caches them for 10 s).
/// </summary>
public static class MigrateCommands
{
    private const string ConnectError = "IOERR error or timeout connecting to the client";
    private const string WriteError = "IOERR error or timeout writing to target instance";
    private const string ReadError = "IOERR error or timeout reading to target instance";

    public static void Migrate(ref CommandContext ctx)
    {
        var args = ctx.Args;
        bool copy = false, replace = false;
        string? user = null, password = null;
        int firstKey = 3, keyCount = 1;
        for (int j = 6; j < args.Count; j++)
        {
            int more = args.Count - j - 1;
            if (Ascii.EqualsIgnoreCase(args[j], "COPY"u8)) copy = true;
            else if (Ascii.EqualsIgnoreCase(args[j], "REPLACE"u8)) replace = true;
            else if (Ascii.EqualsIgnoreCase(args[j], "AUTH"u8) && more >= 1) password = Encoding.UTF8.GetString(args[++j]);
            else if (Ascii.EqualsIgnoreCase(args[j], "AUTH2"u8) && more >= 2)
            {
                user = Encoding.UTF8.GetString(args[++j]);
                password = Encoding.UTF8.GetString(args[++j]);
            }
            else if (Ascii.EqualsIgnoreCase(args[j], "KEYS"u8))
            {
                if (args[3].Length != 0)
                {
                    ctx.Writer.WriteError("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
                    return;
                }
                firstKey = j + 1;
                keyCount = args.Count - j - 1;
                break;
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        if (!Numbers.TryParseInt64(args[5], out long timeout) || !Numbers.TryParseInt64(args[4], out long dbid)
            || dbid < int.MinValue || dbid > int.MaxValue || !Numbers.TryParseInt64(args[2], out long port))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (timeout <= 0) timeout = 1000;

        // Payloads of the keys that exist, taken under each key's lock; the network comes after.
        var keys = new List<byte[]>();
        var payloads = new List<byte[]>();
        var ttls = new List<long>();
        var clock = RdbClock.Of(ctx.Server);
        long now = ctx.NowMs;
        for (int k = firstKey; k < firstKey + keyCount; k++)
        {
            var key = args[k];
            using var handle = ctx.Open(key, Lookup.Read);
            if (!handle.Exists || !RdbValueEncoder.CanWrite(handle.Kind)) continue;
            long ttl = 0;
            if (handle.ExpireAt != 0)
            {
                ttl = handle.ExpireAt - now;
                if (ttl < 0) continue;
                if (ttl < 1) ttl = 1;
            }
            keys.Add(key.ToArray());
            ttls.Add(ttl);
            payloads.Add(RdbKeyStore.Payload(handle, clock));
        }
        if (keys.Count == 0)
        {
            ctx.Writer.WriteSimpleString("NOKEY"u8);
            return;
        }
        var reply = Exchange(Encoding.UTF8.GetString(args[1]), (int)Math.Clamp(port, 0, 65535), (int)dbid, user, password,
            keys, ttls, payloads, replace, (int)Math.Min(timeout, int.MaxValue), out var accepted);
        if (!copy)
        {
            for (int k = 0; k < keys.Count; k++)
            {
                if (accepted[k]) Delete(ref ctx, keys[k]);
            }
        }
        if (reply is null) ctx.Writer.WriteRaw(RespReplies.Ok);
        else ctx.Writer.WriteError(reply);
    }

    /// <summary>Talks to the target; returns null on success or the error reply. <paramref name="accepted"/>: per key, RESTORE said OK.</summary>
    private static string? Exchange(string host, int port, int db, string? user, string? password, List<byte[]> keys,
        List<long> ttls, List<byte[]> payloads, bool replace, int timeoutMs, out bool[] accepted)
    {
        accepted = new bool[keys.Count];
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.SendTimeout = timeoutMs;
        socket.ReceiveTimeout = timeoutMs;
        try
        {
            using var cts = new CancellationTokenSource(timeoutMs);
            socket.ConnectAsync(host, port, cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return WriteError;   // Redis connects without blocking, so a refused connection shows up at the first write
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ArgumentException)
        {
            return ConnectError;
        }

        var request = new MemoryStream();
        int replies = 0;
        if (password is not null)
        {
            if (user is null) AppendCommand(request, "AUTH"u8.ToArray(), Encoding.UTF8.GetBytes(password));
            else AppendCommand(request, "AUTH"u8.ToArray(), Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(password));
            replies++;
        }
        AppendCommand(request, "SELECT"u8.ToArray(), Encoding.ASCII.GetBytes(db.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        replies++;
        for (int k = 0; k < keys.Count; k++)
        {
            var ttl = Encoding.ASCII.GetBytes(ttls[k].ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (replace) AppendCommand(request, "RESTORE"u8.ToArray(), keys[k], ttl, payloads[k], "REPLACE"u8.ToArray());
            else AppendCommand(request, "RESTORE"u8.ToArray(), keys[k], ttl, payloads[k]);
        }
        try
        {
            socket.Send(request.GetBuffer().AsSpan(0, (int)request.Length));
        }
        catch (SocketException)
        {
            return WriteError;
        }

        var reader = new LineReader(socket);
        string? error = null;
        try
        {
            for (int r = 0; r < replies; r++)
            {
                string line = reader.ReadLine();
                if (line.StartsWith('-')) return "ERR Target instance replied with error: " + line[1..];
            }
            for (int k = 0; k < keys.Count; k++)
            {
                string line = reader.ReadLine();
                if (line.StartsWith('-')) error ??= "ERR Target instance replied with error: " + line[1..];
                else accepted[k] = true;
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return ReadError;
        }
        return error;
    }

    private static void AppendCommand(MemoryStream output, params byte[][] args)
    {
        output.Write(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (var arg in args)
        {
            output.Write(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            output.Write(arg);
            output.Write("\r\n"u8);
        }
    }

    /// <summary>Deletes a migrated key even past its TTL, as Redis's dbDelete.</summary>
    private static void Delete(ref CommandContext ctx, byte[] key)
    {
        bool deleted;
        {
            using var k = ctx.Open(key, Lookup.IncludeExpired);
            deleted = k.Delete();
        }
        if (deleted) ctx.Notify(Ev.Generic, "del"u8, key);
        ctx.Server.Watches.Touch(ctx.Session.DbIndex, key);
    }

    /// <summary>Reads CRLF-terminated reply lines (the target only answers simple strings and errors here).</summary>
    private sealed class LineReader(Socket socket)
    {
        private const int MaxLine = 64 * 1024;
        private readonly byte[] _buffer = new byte[4096];
        private int _start, _end;

        public string ReadLine()
        {
            var line = new MemoryStream();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = socket.Receive(_buffer);
                    if (_end <= 0) throw new IOException("connection closed");
                }
                byte b = _buffer[_start++];
                if (b == '\n') break;
                if (b != '\r') line.WriteByte(b);
                if (line.Length > MaxLine) throw new IOException("reply line too long");
            }
            return Encoding.UTF8.GetString(line.ToArray());
        }
    }
}
