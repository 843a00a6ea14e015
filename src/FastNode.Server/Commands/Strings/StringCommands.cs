using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Strings;

/// <summary>GET, SET and its variants, GETDEL/GETEX, and the counters: the hottest commands. Each locks only the key's shard.</summary>
public static class StringCommands
{
    public static void Get(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        byte[]? large;
        int length;
        lock (shard.Lock)
        {
            int i = FindStringOrReply(ref ctx, shard, hash, key);
            if (i < 0) return;
            large = WriteValueOrDefer(ref ctx.Writer, shard.At(i), out length);
        }
        // Large values are never changed in place: copy them without holding the shard.
        if (large is not null) ctx.Writer.WriteBulkString(large.AsSpan(0, length));
    }

    public static void Set(ref CommandContext ctx)
    {
        if (SetOptions.Parse(ctx.Args, 3, getEx: false, out var options) != SetOptions.Result.Ok)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        switch (options.ResolveExpiry(ctx.Args, ctx.NowMs))
        {
            case SetOptions.Result.NotInteger: ctx.Writer.WriteError(RespErrors.NotInteger); return;
            case SetOptions.Result.InvalidExpire: ctx.Writer.WriteError(ErrorText.InvalidExpireTime("set")); return;
        }
        SetValue(ref ctx, ctx.Args[1], ctx.Args[2], options);
    }

    public static void SetNx(ref CommandContext ctx)
    {
        var options = new SetOptions { Nx = true };
        ctx.Writer.WriteRaw(Store(ref ctx, ctx.Args[1], ctx.Args[2], options, out _) ? RespReplies.One : RespReplies.Zero);
    }

    public static void SetEx(ref CommandContext ctx) => SetWithTtl(ref ctx, SetOptions.ExpiryArg.Ex, "setex");

    public static void PSetEx(ref CommandContext ctx) => SetWithTtl(ref ctx, SetOptions.ExpiryArg.Px, "psetex");

    private static void SetWithTtl(ref CommandContext ctx, SetOptions.ExpiryArg unit, string name)
    {
        var options = new SetOptions();
        switch (SetOptions.ParseExpiry(ctx.Args[2], unit, ctx.NowMs, out options.ExpireAt))
        {
            case SetOptions.Result.NotInteger: ctx.Writer.WriteError(RespErrors.NotInteger); return;
            case SetOptions.Result.InvalidExpire: ctx.Writer.WriteError(ErrorText.InvalidExpireTime(name)); return;
        }
        SetValue(ref ctx, ctx.Args[1], ctx.Args[3], options);
    }

    public static void GetSet(ref CommandContext ctx) =>
        SetValue(ref ctx, ctx.Args[1], ctx.Args[2], new SetOptions { Get = true });

    /// <summary>SET semantics with its reply: OK / nil when NX|XX refused, or the old value with GET.</summary>
    private static void SetValue(ref CommandContext ctx, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, in SetOptions options)
    {
        bool stored = Store(ref ctx, key, value, options, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (options.Get) return;
        else if (stored) ctx.Writer.WriteRaw(RespReplies.Ok);
        else ctx.Writer.WriteNullBulk();
    }

    /// <summary>
    /// Stores a string under the shard lock. With options.Get the old value (or nil) is written here, inside the
    /// lock, because it may be overwritten in place a moment later. Returns whether the value was stored.
    /// </summary>
    private static bool Store(ref CommandContext ctx, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, in SetOptions options, out bool wrongType)
    {
        wrongType = false;
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        lock (shard.Lock)
        {
            // SET ... GET reads the key like GET does (a keyspace hit or miss); a plain SET does not count.
            int i = options.Get ? shard.Find(hash, key, ctx.NowMs) : shard.FindLive(hash, key, ctx.NowMs);
            if (options.Get)
            {
                if (i >= 0 && !shard.At(i).IsString)
                {
                    wrongType = true;
                    return false;
                }
                if (i >= 0) ctx.Writer.WriteBulkString(shard.At(i).StringSpan);
                else ctx.Writer.WriteNullBulk();
            }
            if (options.Nx && i >= 0 || options.Xx && i < 0)
            {
                ctx.SkipPropagation();
                return false;
            }

            if (i < 0) i = shard.Add(hash, key, ValueKind.String);
            ref var e = ref shard.At(i);
            StringValue.Assign(shard, ref e, value);
            e.LastAccess = (uint)(ctx.NowMs / 1000);
            if (!options.KeepTtl) shard.SetExpireAt(i, options.ExpireAt);
        }
        if (ctx.Propagating) PropagateSet(ref ctx, key, value, options.KeepTtl, options.ExpireAt);
        return true;
    }

    /// <summary>
    /// Every form of SET (SETEX, SETNX, GETSET, SET ... EX/NX/GET) propagates as what it did: SET key value with the
    /// absolute expiry (PXAT), KEEPTTL, or neither.
    /// </summary>
    internal static void PropagateSet(ref CommandContext ctx, scoped ReadOnlySpan<byte> key, scoped ReadOnlySpan<byte> value, bool keepTtl, long expireAt)
    {
        var record = new FastNode.Server.Persistence.ChangeRecord(keepTtl ? 4 : expireAt != 0 ? 5 : 3);
        record.Add("SET"u8);
        record.Add(key);
        record.Add(value);
        if (keepTtl) record.Add("KEEPTTL"u8);
        else if (expireAt != 0)
        {
            record.Add("PXAT"u8);
            record.Add(expireAt);
        }
        ctx.Emit(ref record);
    }

    public static void Incr(ref CommandContext ctx) => IncrementBy(ref ctx, 1);

    public static void Decr(ref CommandContext ctx) => IncrementBy(ref ctx, -1);

    public static void IncrBy(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long delta)) ctx.Writer.WriteError(RespErrors.NotInteger);
        else IncrementBy(ref ctx, delta);
    }

    public static void DecrBy(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long delta)) ctx.Writer.WriteError(RespErrors.NotInteger);
        else if (delta == long.MinValue) ctx.Writer.WriteError(RespErrors.DecrementOverflow);
        else IncrementBy(ref ctx, -delta);
    }

    private static void IncrementBy(ref CommandContext ctx, long delta)
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        long result;
        lock (shard.Lock)
        {
            int i = shard.FindLive(hash, key, ctx.NowMs);
            long current = 0;
            if (i >= 0)
            {
                ref var existing = ref shard.At(i);
                if (!existing.IsString)
                {
                    ctx.Writer.WriteError(RespErrors.WrongType);
                    return;
                }
                if (!StringValue.TryGetInteger(existing, out current))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
            }
            if (delta < 0 ? current < long.MinValue - delta : current > long.MaxValue - delta)
            {
                ctx.Writer.WriteError(RespErrors.Overflow);
                return;
            }
            result = current + delta;
            if (i < 0) i = shard.Add(hash, key, ValueKind.String);
            ref var e = ref shard.At(i);
            StringValue.AssignInteger(shard, ref e, result);
            e.LastAccess = (uint)(ctx.NowMs / 1000);
        }
        ctx.Writer.WriteInteger(result);
    }

    public static void IncrByFloat(ref CommandContext ctx)
    {
        // Both parse failures give the same error, so the increment is parsed before taking the lock;
        // only WRONGTYPE has to be reported ahead of it.
        bool incrementValid = LongDouble.TryParse(ctx.Args[2], out var increment);
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        Span<byte> text = stackalloc byte[64];
        byte[]? largeText = null;
        int length;
        lock (shard.Lock)
        {
            int i = shard.FindLive(hash, key, ctx.NowMs);
            var current = default(LongDouble);
            if (i >= 0)
            {
                ref var existing = ref shard.At(i);
                if (!existing.IsString)
                {
                    ctx.Writer.WriteError(RespErrors.WrongType);
                    return;
                }
                if (!LongDouble.TryParse(existing.StringSpan, out current))
                {
                    ctx.Writer.WriteError(RespErrors.NotFloat);
                    return;
                }
            }
            if (!incrementValid)
            {
                ctx.Writer.WriteError(RespErrors.NotFloat);
                return;
            }
            var sum = LongDouble.Add(current, increment);
            if (sum.IsInfinity)
            {
                ctx.Writer.WriteError(RespErrors.NaNOrInfinity);
                return;
            }
            if (!sum.TryFormat(text, out length))
            {
                largeText = new byte[LongDouble.MaxFormattedLength];
                sum.TryFormat(largeText, out length);
            }
            if (i < 0) i = shard.Add(hash, key, ValueKind.String);
            ref var e = ref shard.At(i);
            StringValue.Assign(shard, ref e, largeText is null ? text.Slice(0, length) : largeText.AsSpan(0, length));
            e.LastAccess = (uint)(ctx.NowMs / 1000);
        }
        var result = largeText is null ? text.Slice(0, length) : largeText.AsSpan(0, length);
        // The sum depends on float formatting: the exact result is propagated, not the increment.
        if (ctx.Propagating) PropagateSet(ref ctx, key, result, keepTtl: true, 0);
        ctx.Writer.WriteBulkString(result);
    }

    public static void GetDel(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        byte[]? deferred;
        int length;
        lock (shard.Lock)
        {
            int i = FindStringOrReply(ref ctx, shard, hash, key);
            if (i < 0)
            {
                ctx.SkipPropagation();
                return;
            }
            // Written before the entry goes: its chunk may hold another key's value as soon as it is freed.
            deferred = WriteValueOrDefer(ref ctx.Writer, shard.At(i), out length);
            shard.Remove(i);
        }
        if (ctx.Propagating) PropagateDelete(ref ctx, key);
        if (deferred is not null) ctx.Writer.WriteBulkString(deferred.AsSpan(0, length));
    }

    internal static void PropagateDelete(ref CommandContext ctx, scoped ReadOnlySpan<byte> key)
    {
        var record = new FastNode.Server.Persistence.ChangeRecord(2);
        record.Add("DEL"u8);
        record.Add(key);
        ctx.Emit(ref record);
    }

    public static void GetEx(ref CommandContext ctx)
    {
        if (SetOptions.Parse(ctx.Args, 2, getEx: true, out var options) != SetOptions.Result.Ok)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        byte[]? deferred = null;
        int length = 0;
        bool deleted;
        lock (shard.Lock)
        {
            int i = FindStringOrReply(ref ctx, shard, hash, key);
            if (i < 0)
            {
                ctx.SkipPropagation();
                return;
            }
            ref var e = ref shard.At(i);
            // Redis validates the expiry only once it knows the key holds a string.
            switch (options.ResolveExpiry(ctx.Args, ctx.NowMs))
            {
                case SetOptions.Result.NotInteger: ctx.Writer.WriteError(RespErrors.NotInteger); return;
                case SetOptions.Result.InvalidExpire: ctx.Writer.WriteError(ErrorText.InvalidExpireTime("getex")); return;
            }
            deferred = WriteValueOrDefer(ref ctx.Writer, e, out length);
            // An EXAT/PXAT in the past deletes the key (after the value was written: its chunk is then freed); not
            // while a recorded stream is applied, which carries the DEL itself.
            deleted = options.AbsoluteExpiry && options.ExpireAt <= ctx.NowMs && !ctx.Db.ExpiryPaused;
            if (deleted) shard.Remove(i);
            else if (options.ExpireUnit != SetOptions.ExpiryArg.None) shard.SetExpireAt(i, options.ExpireAt);
            else if (options.Persist) shard.SetExpireAt(i, 0);
        }
        // GETEX propagates what it did to the TTL: DEL, PEXPIREAT at the absolute time, PERSIST, or nothing.
        if (!ctx.Propagating || !(deleted || options.Persist || options.ExpireUnit != SetOptions.ExpiryArg.None)) ctx.SkipPropagation();
        else if (deleted) PropagateDelete(ref ctx, key);
        else
        {
            var record = new FastNode.Server.Persistence.ChangeRecord(options.Persist ? 2 : 3);
            record.Add(options.Persist ? "PERSIST"u8 : "PEXPIREAT"u8);
            record.Add(key);
            if (!options.Persist) record.Add(options.ExpireAt);
            ctx.Emit(ref record);
        }
        if (deferred is not null) ctx.Writer.WriteBulkString(deferred.AsSpan(0, length));
    }

    /// <summary>
    /// With the shard lock held, for the commands that read a string (GET, GETDEL, GETEX): the key's entry index, or -1
    /// after replying nil (no such key, counted as a miss) or WRONGTYPE.
    /// </summary>
    private static int FindStringOrReply(ref CommandContext ctx, Shard shard, ulong hash, ReadOnlySpan<byte> key)
    {
        int i = shard.Find(hash, key, ctx.NowMs);
        if (i < 0) ctx.Writer.WriteNullBulk();
        else if (!shard.At(i).IsString)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            i = -1;
        }
        return i;
    }

    /// <summary>
    /// With the shard lock held: writes a small string value as a bulk reply now (it may be rewritten in place once the
    /// lock is released), or returns a large one's array, never mutated, for the caller to write after unlocking.
    /// </summary>
    internal static byte[]? WriteValueOrDefer(ref RespWriter writer, in Entry e, out int length)
    {
        length = e.ValueLength;
        if (StringValue.IsImmutable(e)) return e.StringBytes;
        writer.WriteBulkString(e.StringSpan);
        return null;
    }
}
