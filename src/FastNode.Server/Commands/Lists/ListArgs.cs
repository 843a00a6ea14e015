using FastNode.Protocol;
using FastNode.Server.Storage.Lists;

namespace FastNode.Server.Commands.Lists;

/// <summary>Argument parsing shared by the list commands. Each Try method writes the error reply itself when it fails.</summary>
internal static class ListArgs
{
    /// <summary>The longest wait the connection's timer accepts (Task.Delay: 2^32 - 2 ms, about 49.7 days); longer waits never time out.</summary>
    private const long MaxWaitMs = uint.MaxValue - 1L;

    public static bool TryParseEnd(ReadOnlySpan<byte> arg, out ListEnd end)
    {
        if (Ascii.EqualsIgnoreCase(arg, "LEFT"u8))
        {
            end = ListEnd.Left;
            return true;
        }
        end = ListEnd.Right;
        return Ascii.EqualsIgnoreCase(arg, "RIGHT"u8);
    }

    /// <summary>
    /// A blocking timeout in seconds (a float, as Redis's getTimeoutFromObjectOrReply): rounded up to whole ms; 0 waits
    /// forever. <paramref name="deadlineMs"/> is absolute Unix ms, 0 for no deadline.
    /// </summary>
    public static bool TryParseTimeout(ref CommandContext ctx, ReadOnlySpan<byte> arg, out long deadlineMs)
    {
        deadlineMs = 0;
        if (!Numbers.TryParseDouble(arg, out double seconds))
        {
            ctx.Writer.WriteError(RespErrors.TimeoutNotFloat);
            return false;
        }
        double ms = Math.Ceiling(seconds * 1000.0);
        // Redis casts to long long: infinities and values past its range come out negative.
        if (ms < 0 || ms >= 9223372036854775808.0)
        {
            ctx.Writer.WriteError(RespErrors.TimeoutNegative);
            return false;
        }
        long wait = (long)ms;
        if (wait > 0 && wait <= MaxWaitMs) deadlineMs = ctx.NowMs + wait;
        return true;
    }

    /// <summary>
    /// LMPOP / BLMPOP: numkeys key [key ...] LEFT|RIGHT [COUNT count], numkeys at <paramref name="numKeysIndex"/>.
    /// </summary>
    public static bool TryParseMultiPop(ref CommandContext ctx, int numKeysIndex, out int keyCount, out ListEnd where, out long count)
    {
        keyCount = 0;
        where = ListEnd.Left;
        count = 1;
        var args = ctx.Args;
        if (!Numbers.TryParseInt64(args[numKeysIndex], out long numKeys) || numKeys < 1)
        {
            ctx.Writer.WriteError(RespErrors.NumKeysNotPositive);
            return false;
        }
        if (numKeys > args.Count - numKeysIndex - 2 || !TryParseEnd(args[numKeysIndex + 1 + (int)numKeys], out where))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return false;
        }
        keyCount = (int)numKeys;
        bool countSeen = false;
        for (int i = numKeysIndex + 2 + keyCount; i < args.Count; i++)
        {
            if (countSeen || !Ascii.EqualsIgnoreCase(args[i], "COUNT"u8) || i + 1 >= args.Count)
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return false;
            }
            countSeen = true;
            if (!Numbers.TryParseInt64(args[++i], out count) || count < 1)
            {
                ctx.Writer.WriteError(ListErrors.CountNotPositive);
                return false;
            }
        }
        return true;
    }
}
