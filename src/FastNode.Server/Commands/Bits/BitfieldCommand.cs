using FastNode.Protocol;
using FastNode.Server.Storage;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
using static FastNode.Server.Commands.Bits.BitfieldMath;

namespace FastNode.Server.Commands.Bits;

/// <summary>
/// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment] [OVERFLOW WRAP|SAT|FAIL]...
/// and BITFIELD_RO (GET only). Every operation is parsed and checked before any runs, so a bad argument changes
/// nothing; the writes then run in order under one lock. Propagated and notified ("setbit") only when a value changed
/// or the string grew, as in Redis 7.0.
/// </summary>
public static class BitfieldCommand
{
    private enum Kind : byte { Get, Set, IncrBy }

    /// <summary>One parsed operation. Parsing happens twice (check, then run) so nothing is stored per operation.</summary>
    private struct Operation
    {
        public Kind Kind;
        public bool Signed;
        public int Bits;
        public long Offset;
        public long Value;
        public Overflow Overflow;
    }

    public static void Bitfield(ref CommandContext ctx) => Run(ref ctx, readOnlyCommand: false);

    public static void BitfieldRo(ref CommandContext ctx) => Run(ref ctx, readOnlyCommand: true);

    private static void Run(ref CommandContext ctx, bool readOnlyCommand)
    {
        // Pass 1: check every argument, count the operations and find the highest bit a write reaches.
        int count = 0;
        long highestWrite = -1;
        var op = new Operation();
        for (int at = 2; at < ctx.Args.Count;)
        {
            if (!TryParse(ref ctx, ref at, ref op, out bool isOp)) return;
            if (!isOp) continue;
            count++;
            if (op.Kind != Kind.Get) highestWrite = Math.Max(highestWrite, op.Offset + op.Bits - 1);
        }
        if (highestWrite >= 0 && readOnlyCommand)
        {
            ctx.Writer.WriteError("ERR BITFIELD_RO only supports the GET subcommand");
            return;
        }

        using var k = ctx.Open(ctx.Args[1], highestWrite >= 0 ? Lookup.Write : Lookup.Read);
        if (k.Exists && !k.IsString)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        bool grew = false;
        if (highestWrite >= 0)
        {
            int needed = (int)(highestWrite >> 3) + 1;
            int length = k.Exists ? k.StringLength : -1;
            if (needed > length)
            {
                k.ExtendString(needed);
                grew = true;
            }
        }

        // Pass 2: run them in order.
        ctx.Writer.WriteArrayHeader(count);
        int changes = 0;
        op = new Operation();
        for (int at = 2; at < ctx.Args.Count;)
        {
            TryParse(ref ctx, ref at, ref op, out bool isOp);
            if (!isOp) continue;
            if (op.Kind == Kind.Get)
            {
                var bytes = k.Exists ? k.String : ReadOnlySpan<byte>.Empty;
                if (op.Signed) ctx.Writer.WriteInteger(GetSigned(bytes, op.Offset, op.Bits));
                else ctx.Writer.WriteInteger((long)GetUnsigned(bytes, op.Offset, op.Bits));
                continue;
            }
            if (!Apply(ref ctx, k.String, in op, out ulong newBits, out bool stored)) continue;
            if (stored) Set(k.ExtendString(k.StringLength), op.Offset, op.Bits, newBits);
            if (stored || grew) changes++;
        }
        // Redis notifies only for writes that were not refused; a string grown by refused writes alone is still
        // propagated here, so a replica's copy keeps the same length.
        if (changes > 0) ctx.Notify(Ev.String, "setbit"u8, ctx.Args[1]);
        else if (!grew) ctx.SkipPropagation();
    }

    /// <summary>
    /// Computes one SET or INCRBY over <paramref name="current"/> and writes its reply. Returns false when OVERFLOW
    /// FAIL refused it; otherwise <paramref name="stored"/> says whether the field changes to <paramref name="newBits"/>.
    /// </summary>
    private static bool Apply(ref CommandContext ctx, ReadOnlySpan<byte> current, in Operation op, out ulong newBits, out bool stored)
    {
        stored = false;
        int overflow;
        long reply;
        ulong oldBits;
        if (op.Signed)
        {
            long old = GetSigned(current, op.Offset, op.Bits);
            long value;
            if (op.Kind == Kind.IncrBy)
            {
                overflow = CheckSigned(old, op.Value, op.Bits, op.Overflow, out long wrapped);
                value = overflow != 0 ? wrapped : old + op.Value;
                reply = value;
            }
            else
            {
                overflow = CheckSigned(op.Value, 0, op.Bits, op.Overflow, out long wrapped);
                value = overflow != 0 ? wrapped : op.Value;
                reply = old;
            }
            oldBits = (ulong)old;
            newBits = (ulong)value;
        }
        else
        {
            ulong old = GetUnsigned(current, op.Offset, op.Bits);
            ulong value;
            if (op.Kind == Kind.IncrBy)
            {
                overflow = CheckUnsigned(old, op.Value, op.Bits, op.Overflow, out ulong wrapped);
                value = overflow != 0 ? wrapped : unchecked(old + (ulong)op.Value);
                reply = (long)value;
            }
            else
            {
                overflow = CheckUnsigned((ulong)op.Value, 0, op.Bits, op.Overflow, out ulong wrapped);
                value = overflow != 0 ? wrapped : (ulong)op.Value;
                reply = (long)old;
            }
            oldBits = old;
            newBits = value;
        }
        if (overflow != 0 && op.Overflow == Overflow.Fail)
        {
            ctx.Writer.WriteNullBulk();
            return false;
        }
        ctx.Writer.WriteInteger(reply);
        stored = oldBits != newBits;
        return true;
    }

    /// <summary>
    /// Parses the operation or OVERFLOW at <paramref name="at"/> and moves past it. OVERFLOW only changes
    /// <paramref name="op"/>'s mode (<paramref name="isOp"/> false). On a bad argument writes the error and returns false.
    /// </summary>
    private static bool TryParse(ref CommandContext ctx, ref int at, ref Operation op, out bool isOp)
    {
        isOp = false;
        var name = ctx.Args[at];
        int remaining = ctx.Args.Count - at - 1;
        if (Ascii.EqualsIgnoreCase(name, "GET"u8) && remaining >= 2) op.Kind = Kind.Get;
        else if (Ascii.EqualsIgnoreCase(name, "SET"u8) && remaining >= 3) op.Kind = Kind.Set;
        else if (Ascii.EqualsIgnoreCase(name, "INCRBY"u8) && remaining >= 3) op.Kind = Kind.IncrBy;
        else if (Ascii.EqualsIgnoreCase(name, "OVERFLOW"u8) && remaining >= 1)
        {
            var mode = ctx.Args[at + 1];
            if (Ascii.EqualsIgnoreCase(mode, "WRAP"u8)) op.Overflow = Overflow.Wrap;
            else if (Ascii.EqualsIgnoreCase(mode, "SAT"u8)) op.Overflow = Overflow.Sat;
            else if (Ascii.EqualsIgnoreCase(mode, "FAIL"u8)) op.Overflow = Overflow.Fail;
            else
            {
                ctx.Writer.WriteError("ERR Invalid OVERFLOW type specified");
                return false;
            }
            at += 2;
            return true;
        }
        else
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return false;
        }
        if (!BitArgs.TryParseType(ctx.Args[at + 1], out op.Signed, out op.Bits))
        {
            ctx.Writer.WriteError(BitArgs.BadType);
            return false;
        }
        if (!BitArgs.TryParseOffset(ref ctx, ctx.Args[at + 2], allowHash: true, op.Bits, out op.Offset))
        {
            ctx.Writer.WriteError(BitArgs.BadOffset);
            return false;
        }
        if (op.Kind != Kind.Get && !Numbers.TryParseInt64(ctx.Args[at + 3], out op.Value))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return false;
        }
        at += op.Kind == Kind.Get ? 3 : 4;
        isOp = true;
        return true;
    }
}
