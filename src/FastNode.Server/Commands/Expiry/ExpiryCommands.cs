using FastNode.Protocol;
using FastNode.Server.Storage;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Expiry;

/// <summary>
/// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX/XX/GT/LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST.
/// Expiry times are absolute Unix milliseconds (0 = none), read through <see cref="KeyHandle.ExpireAt"/> and set through
/// <see cref="KeyHandle.SetExpireAt"/>, which keeps the shard's TTL index (used by the active expiry cycle) in step.
/// </summary>
public static class ExpiryCommands
{
    public static void Expire(ref CommandContext ctx) => SetExpiry(ref ctx, relative: true, seconds: true);

    public static void PExpire(ref CommandContext ctx) => SetExpiry(ref ctx, relative: true, seconds: false);

    public static void ExpireAt(ref CommandContext ctx) => SetExpiry(ref ctx, relative: false, seconds: true);

    public static void PExpireAt(ref CommandContext ctx) => SetExpiry(ref ctx, relative: false, seconds: false);

    /// <summary>Seconds left, rounded to nearest as Redis does ((ms + 500) / 1000); -1 without TTL, -2 when missing.</summary>
    public static void Ttl(ref CommandContext ctx) => ReadExpiry(ref ctx, Report.TtlSeconds);

    public static void PTtl(ref CommandContext ctx) => ReadExpiry(ref ctx, Report.TtlMilliseconds);

    public static void ExpireTime(ref CommandContext ctx) => ReadExpiry(ref ctx, Report.AtSeconds);

    public static void PExpireTime(ref CommandContext ctx) => ReadExpiry(ref ctx, Report.AtMilliseconds);

    public static void Persist(ref CommandContext ctx)
    {
        bool removed = false;
        {
            using var k = ctx.Open(ctx.Args[1], Lookup.Peek);
            if (k.ExpireAt != 0)
            {
                k.SetExpireAt(0);
                removed = true;
            }
        }
        if (!removed) ctx.SkipPropagation();
        else ctx.Notify(Ev.Generic, "persist"u8, ctx.Args[1]);
        ctx.Writer.WriteRaw(removed ? RespReplies.One : RespReplies.Zero);
    }

    private enum Report : byte { TtlSeconds, TtlMilliseconds, AtSeconds, AtMilliseconds }

    private static void SetExpiry(ref CommandContext ctx, bool relative, bool seconds)
    {
        switch (ExpireCondition.Parse(ctx.Args, 3, out var condition, out int bad))
        {
            case ExpireCondition.Result.UnknownOption: ctx.Writer.WriteError(ErrorText.UnsupportedOption(ctx.Args[bad])); return;
            case ExpireCondition.Result.NxWithOthers: ctx.Writer.WriteError(RespErrors.ExpireNxAndOthers); return;
            case ExpireCondition.Result.GtWithLt: ctx.Writer.WriteError(RespErrors.ExpireGtAndLt); return;
        }
        if (!Numbers.TryParseInt64(ctx.Args[2], out long when))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        // Negative times are allowed (they delete the key); only overflow of the unit change or of the
        // addition of the base time is an error, as in Redis.
        long now = ctx.NowMs;
        if (seconds)
        {
            if (when > long.MaxValue / 1000 || when < long.MinValue / 1000)
            {
                ctx.Writer.WriteError(ErrorText.InvalidExpireTime(ctx.Command.FullName));
                return;
            }
            when *= 1000;
        }
        if (relative)
        {
            if (when > long.MaxValue - now)
            {
                ctx.Writer.WriteError(ErrorText.InvalidExpireTime(ctx.Command.FullName));
                return;
            }
            when += now;
        }

        var key = ctx.Args[1];
        bool applied = false, deleted = false;
        {
            using var k = ctx.Open(key, Lookup.Peek);
            if (k.Exists && condition.Allows(k.ExpireAt, when))
            {
                // A time already past deletes the key at once (and still answers 1), as Redis does on a master; a
                // recorded stream being applied sets it as it is, as Redis does while loading or on a replica.
                deleted = when <= now && !ctx.Db.ExpiryPaused;
                if (deleted) k.Delete();
                else k.SetExpireAt(when);
                applied = true;
            }
        }
        // Every form propagates as DEL or as PEXPIREAT at the absolute time, so a replay does not read the clock.
        if (!applied || !ctx.Propagating) ctx.SkipPropagation();
        else if (deleted) Strings.StringCommands.PropagateDelete(ref ctx, key);
        else
        {
            var record = new FastNode.Server.Persistence.ChangeRecord(3);
            record.Add("PEXPIREAT"u8);
            record.Add(key);
            record.Add(when);
            ctx.Emit(ref record);
        }
        if (applied) ctx.Notify(Ev.Generic, deleted ? "del"u8 : "expire"u8, key);
        ctx.Writer.WriteRaw(applied ? RespReplies.One : RespReplies.Zero);
    }

    private static void ReadExpiry(ref CommandContext ctx, Report report)
    {
        long now = ctx.NowMs;
        long expireAt;
        {
            using var k = ctx.Open(ctx.Args[1], Lookup.NoTouch);
            if (!k.Exists)
            {
                ctx.Writer.WriteRaw(RespReplies.MinusTwo);
                return;
            }
            expireAt = k.ExpireAt;
        }
        if (expireAt == 0)
        {
            ctx.Writer.WriteRaw(RespReplies.MinusOne);
            return;
        }
        long left = Math.Max(0, expireAt - now);
        ctx.Writer.WriteInteger(report switch
        {
            Report.TtlSeconds => (left + 500) / 1000,
            Report.TtlMilliseconds => left,
            Report.AtSeconds => expireAt / 1000,
            _ => expireAt,
        });
    }
}
