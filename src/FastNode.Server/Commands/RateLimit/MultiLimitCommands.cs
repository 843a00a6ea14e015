using System.Runtime.CompilerServices;
using FastNode.Protocol;
using FastNode.Server.Persistence;
using FastNode.Server.Storage;
using FastNode.Server.Storage.RateLimit;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// RL.MULTI numlimits type key args... [type key args...]: several limits checked together, consuming from all of
/// them or from none. The keys' shards are locked together (ascending order, <see cref="MultiShardLock"/>), every
/// limiter is evaluated, and only if all admit is the cost taken from each.
/// Keys are not at fixed positions, so the command table says first key 0 (like EVAL), and this handler tells WATCH
/// itself which keys it touched.
/// </summary>
public static class MultiLimitCommands
{
    public const int MaxLimits = 16;

    /// <summary>One parsed limit: its policy and where its key is.</summary>
    private struct Spec
    {
        public LimitPolicy Policy;
        public int KeyIndex;
        public ulong Hash;
    }

    [InlineArray(MaxLimits)]
    private struct StateBuffer
    {
        private QuotaLimiterState? _element;
    }

    public static void Multi(ref CommandContext ctx)
    {
        Span<Spec> specs = stackalloc Spec[MaxLimits];
        var error = Parse(ctx.Args, specs, out int count);
        if (error != RateLimitError.None)
        {
            ctx.Writer.WriteError(RateLimitErrors.Text(error));
            return;
        }
        specs = specs.Slice(0, count);
        if (ctx.Server.Cluster is not null && !SameSlot(ctx.Args, specs))
        {
            ctx.Writer.WriteError("CROSSSLOT Keys in request don't hash to the same slot"u8);
            return;
        }
        int needed = LimiterMajority.Needed(ref ctx);
        if (needed < 0) return;
        Span<LimitDecision> decisions = stackalloc LimitDecision[count];
        bool allowed;
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        {
            // Only this block holds the shards: WATCH and the change feed are told after they are released.
            using var locks = new MultiShardLock(db, bits);
            foreach (ref var spec in specs) locks.Add(spec.Hash);
            locks.EnterAll();
            if (!Decide(ref ctx, db, specs, decisions, out allowed))
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
        }
        if (ctx.Server.Watches.Active)
        {
            foreach (ref var spec in specs) ctx.Server.Watches.Touch(ctx.Session.DbIndex, ctx.Args[spec.KeyIndex]);
        }
        if (ctx.Propagating)
        {
            // Each limiter's new state propagates, not the call (its keys are not at fixed places for the dispatcher).
            foreach (ref var spec in specs) ctx.Session.FeedOffset = StateRecords.Emit(ctx.Server, db, ctx.Args[spec.KeyIndex]);
            ctx.SkipPropagation();
        }
        RateLimitReply.Count(ref ctx, allowed);
        if (needed > 0 && allowed && ctx.Propagating)
        {
            LimiterMajority.Park(ref ctx, needed, LimiterReplyShape.Multi, decisions.ToArray());
            return;
        }
        ctx.Writer.WriteArrayHeader(count + 1);
        ctx.Writer.WriteInteger(allowed ? 1 : 0);
        foreach (ref var decision in decisions) RateLimitReply.WriteDecision(ref ctx.Writer, decision);
    }

    /// <summary>
    /// Runs with every involved shard locked. Phase 1 finds each state (false on a key of another type: nothing has
    /// changed then) and evaluates it; phase 2 consumes from all when all admit. A limiter that would admit inside a
    /// refused RL.MULTI reports its state untouched (as a COST 0 look). Every key's TTL is refreshed.
    /// Each key is opened twice: to read it (a counted lookup) and to save it (a peek at the same, still locked key),
    /// since handles cannot be kept in a span between the phases.
    /// </summary>
    private static bool Decide(ref CommandContext ctx, Database db, scoped Span<Spec> specs, scoped Span<LimitDecision> decisions, out bool allowed)
    {
        allowed = true;
        var states = new StateBuffer();
        long nowMs = ctx.NowMs;
        for (int k = 0; k < specs.Length; k++)
        {
            ref var spec = ref specs[k];
            using var key = db.Open(spec.Hash, ctx.Args[spec.KeyIndex], nowMs, Lookup.Read);
            var found = LimiterStore.Find(key, spec.Policy.Algorithm, out bool wrongType);
            if (wrongType) return false;
            states[k] = (QuotaLimiterState?)found;
        }
        long nowNs = RateLimitClock.NowNs(ctx.Server);
        for (int k = 0; k < specs.Length; k++)
        {
            ref var policy = ref specs[k].Policy;
            var state = states[k] ??= QuotaLimiterState.Create(policy, nowNs);
            state.Advance(nowNs, policy);
            state.Evaluate(nowNs, policy, out decisions[k]);
            allowed &= decisions[k].Allowed;
        }
        for (int k = 0; k < specs.Length; k++)
        {
            ref var spec = ref specs[k];
            var state = states[k]!;
            if (allowed)
            {
                state.Consume(nowNs, spec.Policy);
            }
            else if (decisions[k].Allowed)
            {
                var look = spec.Policy;
                look.Cost = 0;
                state.Evaluate(nowNs, look, out decisions[k]);
                decisions[k].Allowed = true;
                decisions[k].RetryAfterNs = -1;
            }
            var key = db.Open(spec.Hash, ctx.Args[spec.KeyIndex], nowMs, Lookup.Peek);
            try
            {
                LimiterStore.Save(ref key, state, decisions[k].ResetAfterNs, nowMs);
            }
            finally
            {
                key.Dispose();
            }
        }
        return true;
    }

    private static RateLimitError Parse(CommandArgs args, Span<Spec> specs, out int count)
    {
        count = 0;
        if (!Numbers.TryParseInt64(args[1], out long declared)) return RateLimitError.NotInteger;
        if (declared < 1 || declared > MaxLimits) return RateLimitError.NumLimitsOutOfRange;
        int pos = 2;
        while (pos < args.Count)
        {
            if (count == declared) return RateLimitError.NumLimitsMismatch;
            var algorithm = AlgorithmNamed(args[pos]);
            if (algorithm == LimiterAlgorithm.None) return RateLimitError.UnknownLimiter;
            if (pos + 1 >= args.Count) return RateLimitError.Syntax;
            int keyIndex = pos + 1;
            pos += 2;
            LimitPolicy policy;
            var error = algorithm switch
            {
                LimiterAlgorithm.Gcra => LimitArgs.ParseGcra(args, ref pos, stopAtUnknown: true, out policy),
                LimiterAlgorithm.TokenBucket => LimitArgs.ParseTokenBucket(args, ref pos, stopAtUnknown: true, out policy),
                _ => LimitArgs.ParseWindow(args, ref pos, stopAtUnknown: true, algorithm, out policy),
            };
            if (error != RateLimitError.None) return error;
            var key = args[keyIndex];
            for (int k = 0; k < count; k++)
            {
                if (args[specs[k].KeyIndex].SequenceEqual(key)) return RateLimitError.DuplicateKey;
            }
            specs[count++] = new Spec { Policy = policy, KeyIndex = keyIndex, Hash = KeyHasher.Hash(key) };
        }
        return count == declared ? RateLimitError.None : RateLimitError.NumLimitsMismatch;
    }

    /// <summary>Cluster mode: every key in the first key's slot (which the dispatcher routed), as hash tags arrange.</summary>
    private static bool SameSlot(CommandArgs args, ReadOnlySpan<Spec> specs)
    {
        int slot = FastNode.Cluster.Routing.KeySlot.Of(args[specs[0].KeyIndex]);
        for (int k = 1; k < specs.Length; k++)
        {
            if (FastNode.Cluster.Routing.KeySlot.Of(args[specs[k].KeyIndex]) != slot) return false;
        }
        return true;
    }

    private static LimiterAlgorithm AlgorithmNamed(ReadOnlySpan<byte> name)
    {
        if (Ascii.EqualsIgnoreCase(name, "GCRA"u8)) return LimiterAlgorithm.Gcra;
        if (Ascii.EqualsIgnoreCase(name, "TOKENBUCKET"u8)) return LimiterAlgorithm.TokenBucket;
        if (Ascii.EqualsIgnoreCase(name, "SLIDINGLOG"u8)) return LimiterAlgorithm.SlidingLog;
        if (Ascii.EqualsIgnoreCase(name, "SLIDINGWINDOW"u8)) return LimiterAlgorithm.SlidingWindow;
        return LimiterAlgorithm.None;
    }
}
