using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Commands.Transactions;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using FastNode.Server.Storage;

namespace FastNode.Server.Persistence;

/// <summary>
/// Applies a stream of change records (an AOF, later a replication stream) through the dispatcher, as a client of its
/// own whose replies are dropped: the same handlers, so the result is what the commands did on the primary.
/// Keys are not expired while a stream is applied (<see cref="Storage.Database.ExpiryPaused"/>): the stream carries
/// a DEL for every expiry it saw.
/// </summary>
public sealed class FeedReplayer
{
    private readonly ServerState _server;
    private readonly CommandReader _reader;
    private readonly NullBufferWriter _replies = new();

    public FeedReplayer(ServerState server, string name)
    {
        _server = server;
        Session = new ClientSession(name, "", server.NowMs) { Authenticated = true, AclExempt = true };
        _reader = new CommandReader(server.Limits) { Authenticated = true };
    }

    public ClientSession Session { get; }

    /// <summary>Commands applied so far.</summary>
    public long Commands { get; private set; }

    /// <summary>The first error a command answered (an unknown command in a file), or null.</summary>
    public string? FirstError { get; private set; }

    /// <summary>Bytes handed to the reader so far (complete commands and a cut one it may hold).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Where the last complete command ended, counted from the first byte applied.</summary>
    public long CommandEnd => BytesRead - _reader.PendingBytes;

    /// <summary>
    /// Called after each command with where it started and ended (counted like <see cref="CommandEnd"/>): a replica
    /// passes the exact bytes on. The args are valid only during the call.
    /// </summary>
    public Action<long, long, CommandArgs>? Applied { get; set; }

    /// <summary>Where the MULTI of an unfinished transaction started (-1 outside one).</summary>
    public long TransactionStart { get; private set; } = -1;

    /// <summary>
    /// Applies every complete command at the start of <paramref name="buffer"/> and advances it past them (a cut one
    /// stays with the reader until more bytes come). Throws <see cref="RespProtocolException"/> on bytes that are not
    /// a RESP array of bulk strings.
    /// </summary>
    public void Apply(ref ReadOnlySequence<byte> buffer)
    {
        scoped var ctx = new CommandContext(new RespWriter(_replies, false), Session, _server);
        Storage.Database.ThreadAppliesStream = true;
        try
        {
            int warmedAhead = 0;
            while (true)
            {
                // As for a client's batch (CommandProcessor): prefetch the next group of keys' table slots, or a
                // replica's stream of random keys pays a cache miss per lookup (Set was 57 % of a replica's CPU).
                if (warmedAhead == 0 && _reader.PendingBytes == 0) warmedAhead = LookupWarmer.Warm(buffer.FirstSpan, _server.Database(Session.DbIndex));
                if (warmedAhead > 0) warmedAhead--;
                if (_reader.PendingBytes == 0 && !buffer.IsEmpty && FirstByte(buffer) != (byte)'*')
                    throw new RespProtocolException("expected '*'");
                long before = buffer.Length;
                long start = CommandEnd;
                bool read = _reader.TryRead(ref buffer, out var args);
                BytesRead += before - buffer.Length;
                if (!read) break;
                bool multi = args.Count == 1 && Ascii.EqualsIgnoreCase(args[0], "MULTI"u8);
                int errors = ctx.Writer.Errors;
                Dispatcher.Execute(ref ctx, args);
                Commands++;
                if (ctx.Writer.Errors != errors && FirstError is null) FirstError = Describe(args);
                if (multi) TransactionStart = start;
                else if (Session.Multi is null) TransactionStart = -1;
                Applied?.Invoke(start, CommandEnd, args);
            }
        }
        finally
        {
            Storage.Database.ThreadAppliesStream = false;
            ctx.LeaveWriteGate();
            ctx.EndBatch();
            ctx.Writer.Commit();
        }
    }

    /// <summary>Drops an unfinished MULTI (its commands were only queued).</summary>
    public void AbandonTransaction()
    {
        Session.Multi = null;
        Session.MultiDirty = false;
    }

    private static byte FirstByte(ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            if (!segment.IsEmpty) return segment.Span[0];
        }
        return 0;
    }

    private static string Describe(CommandArgs args) =>
        "'" + System.Text.Encoding.UTF8.GetString(args[0]) + "'";
}
