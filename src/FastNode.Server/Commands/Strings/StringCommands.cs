using FastNode.Protocol;
using FastNode.Server.Storage;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.Strings;

/// <summary>
/// GET, SET and its variants, GETDEL/GETEX, and the counters: the hottest commands. Each opens one
/// <see cref="KeyHandle"/>, in an inner block where work (a large value's copy, the change record) must follow the
/// release of the shard lock.
/// </summary>
public static class StringCommands
{
    public static void Get(ref CommandContext ctx)
    {
        byte[]? large;
        int length;
        {
            using var k = ctx.Open(ctx.Args[1], Lookup.Read);
            if (!IsStringOrReply(ref ctx.Writer, in k)) return;
            large = WriteValueOrDefer(ref ctx.Writer, in k, out length);
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
    /// Stores a string (SET's own options in <paramref name="options"/>). Returns whether the value was stored. Kept
    /// apart from <see cref="StoreAndGet"/> so each opens its key with a constant lookup the JIT folds away (choosing
    /// it at run time cost a pipelined SET 5%).
    /// </summary>
    private static bool Store(ref CommandContext ctx, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, in SetOptions options, out bool wrongType)
    {
        if (options.Get) return StoreAndGet(ref ctx, key, value, options, out wrongType);
        wrongType = false;
        {
            // A plain SET neither counts a hit nor stamps the access time before it knows it writes (a refused NX
            // leaves the key as it was).
            using var k = ctx.Open(key, Lookup.Peek);
            if (Refused(options, k.Exists))
            {
                ctx.SkipPropagation();
                return false;
            }
            k.SetString(value);
            if (!options.KeepTtl) k.SetExpireAt(options.ExpireAt);
        }
        if (ctx.Propagating) PropagateSet(ref ctx, key, value, options.KeepTtl, options.ExpireAt);
        NotifySet(ref ctx, key, options);
        return true;
    }

    /// <summary>
    /// SET ... GET and GETSET: like <see cref="Store"/>, reading the key as GET does (a keyspace hit or miss) and
    /// writing the old value (or nil) while the key is open, because it may be overwritten in place a moment later.
    /// </summary>
    private static bool StoreAndGet(ref CommandContext ctx, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, in SetOptions options, out bool wrongType)
    {
        wrongType = false;
        {
            using var k = ctx.Open(key, Lookup.Read);
            if (k.Exists && !k.IsString)
            {
                wrongType = true;
                return false;
            }
            if (k.Exists) ctx.Writer.WriteBulkString(k.String);
            else ctx.Writer.WriteNullBulk();
            if (Refused(options, k.Exists))
            {
                ctx.SkipPropagation();
                return false;
            }
            k.SetString(value);
            if (!options.KeepTtl) k.SetExpireAt(options.ExpireAt);
        }
        if (ctx.Propagating) PropagateSet(ref ctx, key, value, options.KeepTtl, options.ExpireAt);
        NotifySet(ref ctx, key, options);
        return true;
    }

    /// <summary>Every form of SET raises "set", and "expire" when it gave the key a TTL.</summary>
    private static void NotifySet(ref CommandContext ctx, ReadOnlySpan<byte> key, in SetOptions options)
    {
        ctx.Notify(Ev.String, "set"u8, key);
        if (!options.KeepTtl && options.ExpireAt != 0) ctx.Notify(Ev.Generic, "expire"u8, key);
    }

    /// <summary>NX with the key present, or XX with it missing: nothing is stored.</summary>
    private static bool Refused(in SetOptions options, bool exists) => options.Nx && exists || options.Xx && !exists;

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
        long result;
        {
            // Like SET: the access time is stamped only when the new value is stored.
            using var k = ctx.Open(ctx.Args[1], Lookup.Peek);
            long current = 0;
            if (k.Exists)
            {
                if (!k.IsString)
                {
                    ctx.Writer.WriteError(RespErrors.WrongType);
                    return;
                }
                if (!Numbers.TryParseInt64(k.String, out current))
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
            k.SetInteger(result);
        }
        ctx.Notify(Ev.String, "incrby"u8, ctx.Args[1]);
        ctx.Writer.WriteInteger(result);
    }

    public static void IncrByFloat(ref CommandContext ctx)
    {
        // Both parse failures give the same error, so the increment is parsed before taking the lock;
        // only WRONGTYPE has to be reported ahead of it.
        bool incrementValid = LongDouble.TryParse(ctx.Args[2], out var increment);
        var key = ctx.Args[1];
        Span<byte> text = stackalloc byte[64];
        byte[]? largeText = null;
        int length;
        {
            using var k = ctx.Open(key, Lookup.Peek);
            var current = default(LongDouble);
            if (k.Exists)
            {
                if (!k.IsString)
                {
                    ctx.Writer.WriteError(RespErrors.WrongType);
                    return;
                }
                if (!LongDouble.TryParse(k.String, out current))
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
            k.SetString(largeText is null ? text.Slice(0, length) : largeText.AsSpan(0, length));
        }
        var result = largeText is null ? text.Slice(0, length) : largeText.AsSpan(0, length);
        // The sum depends on float formatting: the exact result is propagated, not the increment.
        if (ctx.Propagating) PropagateSet(ref ctx, key, result, keepTtl: true, 0);
        ctx.Notify(Ev.String, "incrbyfloat"u8, key);
        ctx.Writer.WriteBulkString(result);
    }

    public static void GetDel(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        byte[]? deferred;
        int length;
        {
            using var k = ctx.Open(key, Lookup.Read);
            if (!IsStringOrReply(ref ctx.Writer, in k))
            {
                ctx.SkipPropagation();
                return;
            }
            // Written before the entry goes: its chunk may hold another key's value as soon as it is freed.
            deferred = WriteValueOrDefer(ref ctx.Writer, in k, out length);
            k.Delete();
        }
        if (ctx.Propagating) PropagateDelete(ref ctx, key);
        ctx.Notify(Ev.Generic, "del"u8, key);
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
        byte[]? deferred;
        int length;
        bool deleted, persisted;
        {
            using var k = ctx.Open(key, Lookup.Read);
            if (!IsStringOrReply(ref ctx.Writer, in k))
            {
                ctx.SkipPropagation();
                return;
            }
            // Redis validates the expiry only once it knows the key holds a string.
            switch (options.ResolveExpiry(ctx.Args, ctx.NowMs))
            {
                case SetOptions.Result.NotInteger: ctx.Writer.WriteError(RespErrors.NotInteger); return;
                case SetOptions.Result.InvalidExpire: ctx.Writer.WriteError(ErrorText.InvalidExpireTime("getex")); return;
            }
            deferred = WriteValueOrDefer(ref ctx.Writer, in k, out length);
            // An EXAT/PXAT in the past deletes the key (after the value was written: its chunk is then freed); not
            // while a recorded stream is applied, which carries the DEL itself.
            deleted = options.AbsoluteExpiry && options.ExpireAt <= ctx.NowMs && !ctx.Db.ExpiryPaused;
            persisted = options.Persist && k.ExpireAt != 0;
            if (deleted) k.Delete();
            else if (options.ExpireUnit != SetOptions.ExpiryArg.None) k.SetExpireAt(options.ExpireAt);
            else if (options.Persist) k.SetExpireAt(0);
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
        if (deleted) ctx.Notify(Ev.Generic, "del"u8, key);
        else if (options.ExpireUnit != SetOptions.ExpiryArg.None) ctx.Notify(Ev.Generic, "expire"u8, key);
        else if (persisted) ctx.Notify(Ev.Generic, "persist"u8, key);
        if (deferred is not null) ctx.Writer.WriteBulkString(deferred.AsSpan(0, length));
    }

    /// <summary>
    /// For the commands that read a string (GET, GETDEL, GETEX): true when the key holds one; otherwise replies nil
    /// (no such key) or WRONGTYPE and returns false.
    /// </summary>
    private static bool IsStringOrReply(ref RespWriter writer, in KeyHandle k)
    {
        if (!k.Exists) writer.WriteNullBulk();
        else if (!k.IsString) writer.WriteError(RespErrors.WrongType);
        else return true;
        return false;
    }

    /// <summary>
    /// With the key open and holding a string: writes a small value as a bulk reply now (it may be rewritten in place
    /// once the handle is disposed), or returns a large one's array, never mutated, for the caller to write after.
    /// </summary>
    private static byte[]? WriteValueOrDefer(ref RespWriter writer, in KeyHandle k, out int length)
    {
        var large = k.ImmutableString(out length);
        if (large is null) writer.WriteBulkString(k.String);
        return large;
    }
}
