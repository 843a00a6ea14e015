using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Cluster;
using FastNode.Server.Commands;
using FastNode.Server.Config;
using FastNode.Server.Sessions;

namespace FastNode.Server.Tracking;

/// <summary>
/// Server-assisted client-side caching (CLIENT TRACKING, Redis 7.0's tracking.c semantics):
/// 1. default mode: the keys a tracking client reads (read-only commands, their key arguments) go into
///    <see cref="Table"/>; the first change of such a key sends that client one invalidation and forgets the key.
/// 2. BCAST: every change of a key under one of the client's prefixes is sent, one message per prefix per command with
///    the keys sorted; nothing is remembered.
/// 3. Changes are the keys of every write command that did not fail (as FastNode's WATCH sees them, also inside
///    MULTI/EXEC and scripts), expiry, eviction, and FLUSHALL/FLUSHDB (a null invalidation to every tracking client).
/// 4. Delivery: RESP3 clients get a `invalidate` push; with REDIRECT the push goes to the other client, or, when that
///    one speaks RESP2 and is in subscribed mode, a message on `__redis__:invalidate`. Pushes go through the target's
///    own queue (PubSub/Subscriber), so a client's own invalidation follows the reply of the command that caused it.
/// A client with tracking off costs its commands one null test; writes cost one volatile read while nobody tracks.
/// </summary>
public sealed class Tracker
{
    private readonly ClientRegistry clients;
    private readonly OutputBufferLimits limits;
    private readonly ServerOptions options;

    public Tracker(ClientRegistry clients, OutputBufferLimits limits, ServerOptions options)
    {
        this.clients = clients;
        this.limits = limits;
        this.options = options;
        Table = new TrackingTable(Slots);
    }

    [ThreadStatic] private static List<long>? t_ids;
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_payload;

    private readonly Lock _evictLock = new();
    private int _trackingClients;
    private int _evictionRounds;

    /// <summary>Numbers for the clients whose reads are remembered (their bits in <see cref="Table"/>).</summary>
    public TrackingSlots Slots { get; } = new();

    public TrackingTable Table { get; }
    public PrefixTable Prefixes { get; } = new();

    /// <summary>Clients with tracking on (INFO tracking_clients).</summary>
    public int ClientCount => Volatile.Read(ref _trackingClients);

    /// <summary>Whether a write must look for tracked keys: someone tracks, or keys remain from clients that did.</summary>
    public bool Active => Volatile.Read(ref _trackingClients) > 0 || Table.Keys > 0;

    /// <summary>CLIENT TRACKING on (owner thread); the options were checked by the caller.</summary>
    public void Enable(ClientSession session, TrackingFlags flags, long redirectId, List<byte[]> prefixes)
    {
        var tracking = session.Tracking;
        if (tracking is null)
        {
            tracking = new ClientTracking(session);
            Interlocked.Increment(ref _trackingClients);
        }
        tracking.BrokenRedirect = false;
        tracking.RedirectId = redirectId;
        tracking.Flags = flags;
        if ((flags & TrackingFlags.Bcast) == 0 && tracking.Slot < 0) tracking.Slot = Slots.Acquire(session.Id);
        if ((flags & TrackingFlags.Bcast) != 0)
        {
            if (prefixes.Count == 0) AddPrefix(tracking, []);
            foreach (var prefix in prefixes) AddPrefix(tracking, prefix);
        }
        session.Tracking = tracking;
    }

    private void AddPrefix(ClientTracking tracking, byte[] prefix)
    {
        int index = tracking.Prefixes.BinarySearch(prefix, BytewiseComparer.Instance);
        if (index >= 0) return;
        tracking.Prefixes.Insert(~index, prefix);
        Prefixes.Add(prefix, tracking);
    }

    /// <summary>CLIENT TRACKING off, RESET, and the connection's end (owner thread).</summary>
    public void Disable(ClientSession session)
    {
        if (session.Tracking is not { } tracking) return;
        session.Tracking = null;
        foreach (var prefix in tracking.Prefixes) Prefixes.Remove(prefix, tracking);
        if (tracking.Slot >= 0) Slots.Release(session.Id);
        Interlocked.Decrement(ref _trackingClients);
    }

    /// <summary>
    /// Before a read-only command of a tracking client runs (the dispatcher, and redis.call for a script's caller):
    /// remembers its keys. Before, not after as Redis does, because here another event loop may change the key while
    /// the read runs: remembered first, such a change is always sent, after the reply that read the old value.
    /// </summary>
    public void BeforeRead(CommandDef def, CommandArgs args, ClientSession session, ClientTracking tracking)
    {
        if (!tracking.RemembersReads) return;
        // Most reads name one key at a fixed place (GET, HGET, ...): no key walk.
        if (def.FirstKey > 0 && def.FirstKey == def.LastKey && (def.Flags & CommandFlags.MovableKeys) == 0)
        {
            if (def.FirstKey < args.Count) Table.Remember(args[def.FirstKey], tracking.Slot);
        }
        else if (def.Name == "XREAD")
        {
            // Its keys follow STREAMS (not in the table's key positions; XREADGROUP is a write and, as in Redis, not a read).
            if (Commands.Streams.StreamKeys.Locate(args, out int first, out int count))
            {
                for (int i = 0; i < count; i++) Table.Remember(args[first + i], tracking.Slot);
            }
        }
        else
        {
            var keys = CommandKeys.Of(def, args);
            while (keys.MoveNext(out int index)) Table.Remember(args[index], tracking.Slot);
        }
        long max = options.TrackingTableMaxKeys;
        if (max > 0 && Table.Keys > max) EnforceLimit();
    }

    /// <summary>
    /// After each command of a tracking client: ends the effect of CLIENT CACHING unless this was a CLIENT subcommand
    /// or the client is inside MULTI/EXEC (as Redis's resetClient).
    /// </summary>
    public static void AfterCommand(CommandDef def, ClientSession session, ClientTracking tracking)
    {
        if (tracking.Caching && session.Multi is null && !session.InExec && def.Group != "client") tracking.Caching = false;
    }

    /// <summary>A write command succeeded: each of its keys changed (<paramref name="current"/> made the change).</summary>
    public void InvalidateKeys(CommandDef def, CommandArgs args, ClientSession current)
    {
        var keys = CommandKeys.Of(def, args);
        while (keys.MoveNext(out int index)) InvalidateTracked(args[index], current);
        if (Prefixes.Count == 0) return;
        List<byte[]>? changed = null;
        keys = CommandKeys.Of(def, args);
        while (keys.MoveNext(out int index)) (changed ??= []).Add(args[index].ToArray());
        if (changed is not null) Broadcast(changed, current);
    }

    /// <summary>One key changed outside a command's key list (expiry, eviction, a served BLMOVE's destination).</summary>
    public void InvalidateKey(ReadOnlySpan<byte> key, ClientSession? current)
    {
        InvalidateTracked(key, current);
        if (Prefixes.Count > 0) Broadcast([key.ToArray()], current);
    }

    /// <summary>Redis's trackingInvalidateKey: tells the clients that read the key, and forgets it.</summary>
    private void InvalidateTracked(ReadOnlySpan<byte> key, ClientSession? current)
    {
        var ids = t_ids ??= [];
        if (!Table.TryTake(key, ids)) return;
        var payload = Payload();
        WriteKeys(payload, key);
        foreach (long id in ids)
        {
            if (!clients.TryGet(id, out var target) || target.Tracking is not { } tracking || tracking.Bcast) continue;
            if (tracking.NoLoop && ReferenceEquals(target, current)) continue;
            Send(tracking, payload.WrittenSpan);
        }
        ids.Clear();
    }

    /// <summary>BCAST: one message per matching prefix, its keys sorted and distinct, to each client under it.</summary>
    private void Broadcast(List<byte[]> changed, ClientSession? current)
    {
        if (changed.Count > 1) changed.Sort(BytewiseComparer.Instance);
        List<byte[]> matched = [];
        lock (Prefixes.Lock)
        {
            foreach (var entry in Prefixes.Entries)
            {
                matched.Clear();
                foreach (var key in changed)
                {
                    if (!key.AsSpan().StartsWith(entry.Prefix)) continue;
                    if (matched.Count > 0 && matched[^1].AsSpan().SequenceEqual(key)) continue;
                    matched.Add(key);
                }
                if (matched.Count == 0) continue;
                var payload = Payload();
                WriteKeys(payload, matched);
                foreach (var tracking in entry.Clients)
                {
                    if (tracking.NoLoop && ReferenceEquals(tracking.Session, current)) continue;
                    Send(tracking, payload.WrittenSpan);
                }
            }
        }
    }

    /// <summary>
    /// FLUSHALL / FLUSHDB: every tracking client (BCAST ones too) gets an invalidation with a null in place of the keys
    /// (the null of its own protocol, as Redis sends it), and the table empties.
    /// </summary>
    public void InvalidateAll()
    {
        if (ClientCount > 0)
        {
            foreach (var client in clients.All)
            {
                if (client.Tracking is { } tracking) Send(tracking, tracking.Session.Protocol == 3 ? "_\r\n"u8 : "$-1\r\n"u8);
            }
        }
        Table.Clear();
    }

    /// <summary>
    /// tracking-table-max-keys (after a read added keys, and from the server cron): past the limit, keys are
    /// invalidated (their clients told) until the table is back under it, with an effort that grows while it stays
    /// over, as Redis's trackingLimitUsedSlots.
    /// </summary>
    public void EnforceLimit()
    {
        long max = options.TrackingTableMaxKeys;
        if (max == 0 || Table.Keys <= max)
        {
            _evictionRounds = 0;
            return;
        }
        lock (_evictLock)
        {
            int effort = 100 * (_evictionRounds + 1);
            while (effort-- > 0)
            {
                var key = Table.AnyKey(Random.Shared.Next(64));
                if (key is null) break;
                InvalidateTracked(key, null);
                if (Table.Keys <= max)
                {
                    _evictionRounds = 0;
                    return;
                }
            }
            _evictionRounds++;
        }
    }

    /// <summary>
    /// Redis's sendTrackingMessage: to the client itself (RESP3 only), or to its redirect client (a push in RESP3, a
    /// `__redis__:invalidate` message when that client is subscribed in RESP2). A redirect client that is gone marks the
    /// redirect broken and, for a RESP3 client, says so with a `tracking-redir-broken` push.
    /// </summary>
    private void Send(ClientTracking tracking, ReadOnlySpan<byte> payload)
    {
        var owner = tracking.Session;
        var target = owner;
        long redirect = tracking.RedirectId;
        if (redirect != 0)
        {
            if (!clients.TryGet(redirect, out var redirectTo))
            {
                tracking.BrokenRedirect = true;
                if (owner.Protocol == 3) Enqueue(owner, RedirBroken(redirect, stackalloc byte[64]), []);
                return;
            }
            target = redirectTo;
        }
        if (target.Protocol == 3) Enqueue(target, "*2\r\n$10\r\ninvalidate\r\n"u8, payload);
        else if (redirect != 0 && target.PubSub is { Active: true }) Enqueue(target, "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"u8, payload);
    }

    private static ReadOnlySpan<byte> RedirBroken(long id, Span<byte> buffer)
    {
        var writer = new SpanWriter(buffer);
        writer.Write("*2\r\n$21\r\ntracking-redir-broken\r\n:"u8);
        writer.WriteNumber(id);
        writer.Write("\r\n"u8);
        return buffer[..writer.Length];
    }

    /// <summary>Queues a push for <paramref name="target"/>'s own loop (the frame's '*' becomes '&gt;' for RESP3).</summary>
    private void Enqueue(ClientSession target, ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
        var message = PubSub.PubSubMessage.FromFrame(head, body);
        if (!target.PushQueue().Enqueue(message, limits[target.OutputClass], Environment.TickCount64)) message.Release();
    }

    private static ArrayBufferWriter<byte> Payload()
    {
        var payload = t_payload ??= new ArrayBufferWriter<byte>(256);
        payload.ResetWrittenCount();
        return payload;
    }

    private static void WriteKeys(ArrayBufferWriter<byte> payload, ReadOnlySpan<byte> key)
    {
        var writer = new RespWriter(payload, false);
        writer.WriteArrayHeader(1);
        writer.WriteBulkString(key);
        writer.Commit();
    }

    private static void WriteKeys(ArrayBufferWriter<byte> payload, List<byte[]> keys)
    {
        var writer = new RespWriter(payload, false);
        writer.WriteArrayHeader(keys.Count);
        foreach (var key in keys) writer.WriteBulkString(key);
        writer.Commit();
    }

    /// <summary>Writes into a fixed span (the short tracking-redir-broken frame).</summary>
    private ref struct SpanWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        public int Length;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[Length..]);
            Length += bytes.Length;
        }

        public void WriteNumber(long value)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat(value, _buffer[Length..], out int written);
            Length += written;
        }
    }
}
