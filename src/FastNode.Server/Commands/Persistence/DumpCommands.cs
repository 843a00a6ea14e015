using System.Buffers.Binary;
using FastNode.Protocol;
using FastNode.Server.Persistence.Rdb;
using FastNode.Server.Storage;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Persistence;

/// <summary>
/// DUMP and RESTORE with Redis 7.0's payload: the RDB type byte and value, the RDB version (2 bytes little endian),
/// then the CRC64 of all of that (8 bytes little endian). Payloads move both ways between FastNode and redis-server
/// for the types both have; FastNode's own types travel as module values that only FastNode restores.
/// </summary>
public static class DumpCommands
{
    public static void Dump(ref CommandContext ctx)
    {
        var clock = RdbClock.Of(ctx.Server);
        var buffer = new RdbBuffer(256);
        {
            using var k = ctx.Open(ctx.Args[1], Lookup.Read);
            if (!k.Exists || !RdbValueEncoder.CanWrite(k.Kind))
            {
                ctx.Writer.WriteNullBulk();
                return;
            }
            RdbKeyStore.WriteObject(buffer, k, clock);
        }
        DumpPayload.Seal(buffer);
        ctx.Writer.WriteBulkString(buffer.Span);
    }

    /// <summary>RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], checks in Redis's order.</summary>
    public static void Restore(ref CommandContext ctx)
    {
        var args = ctx.Args;
        bool replace = false, absTtl = false;
        long idle = -1, freq = -1;
        for (int j = 4; j < args.Count; j++)
        {
            bool more = j + 1 < args.Count;
            if (Ascii.EqualsIgnoreCase(args[j], "REPLACE"u8)) replace = true;
            else if (Ascii.EqualsIgnoreCase(args[j], "ABSTTL"u8)) absTtl = true;
            else if (Ascii.EqualsIgnoreCase(args[j], "IDLETIME"u8) && more && freq == -1)
            {
                if (!Numbers.TryParseInt64(args[++j], out idle)) { ctx.Writer.WriteError(RespErrors.NotInteger); return; }
                if (idle < 0) { ctx.Writer.WriteError("ERR Invalid IDLETIME value, must be >= 0"); return; }
            }
            else if (Ascii.EqualsIgnoreCase(args[j], "FREQ"u8) && more && idle == -1)
            {
                if (!Numbers.TryParseInt64(args[++j], out freq)) { ctx.Writer.WriteError(RespErrors.NotInteger); return; }
                if (freq < 0 || freq > 255) { ctx.Writer.WriteError("ERR Invalid FREQ value, must be >= 0 and <= 255"); return; }
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        var key = args[1];
        if (!replace && Exists(ref ctx, key))
        {
            ctx.Writer.WriteError("BUSYKEY Target key name already exists.");
            return;
        }
        if (!Numbers.TryParseInt64(args[2], out long ttl)) { ctx.Writer.WriteError(RespErrors.NotInteger); return; }
        if (ttl < 0) { ctx.Writer.WriteError("ERR Invalid TTL value, must be >= 0"); return; }
        var payload = args[3];
        if (!DumpPayload.Verify(payload))
        {
            ctx.Writer.WriteError("ERR DUMP payload version or checksum are wrong");
            return;
        }
        if (!DumpPayload.TryDecode(payload, key, RdbClock.Of(ctx.Server), out var value))
        {
            ctx.Writer.WriteError("ERR Bad data format");
            return;
        }
        long now = ctx.NowMs;
        long expireAt = ttl == 0 ? 0 : absTtl ? ttl : now + ttl;
        if (expireAt != 0 && expireAt <= now)
        {
            // Already expired: the key ends up absent (an existing one is deleted when REPLACE), and the reply is OK.
            if (replace) Delete(ref ctx, key);
            ctx.Writer.WriteRaw(RespReplies.Ok);
            return;
        }
        if (!RdbKeyStore.Store(ctx.Server, ctx.Db, key, value, expireAt, replace, now, idle, (int)freq))
        {
            ctx.Writer.WriteError("BUSYKEY Target key name already exists.");
            return;
        }
        ctx.Notify(Ev.Generic, "restore"u8, key);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    private static bool Exists(ref CommandContext ctx, ReadOnlySpan<byte> key)
    {
        using var k = ctx.Open(key, Lookup.Peek);
        return k.Exists;
    }

    /// <summary>Deletes the key even past its TTL, as Redis's dbDelete (it is replaced, not expired).</summary>
    private static void Delete(ref CommandContext ctx, ReadOnlySpan<byte> key)
    {
        bool deleted;
        {
            using var k = ctx.Open(key, Lookup.IncludeExpired);
            deleted = k.Delete();
        }
        if (deleted) ctx.Notify(Ev.Generic, "del"u8, key);
    }
}
