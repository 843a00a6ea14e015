using FastNode.Protocol;
using FastNode.Server.Storage.Streams;

namespace FastNode.Server.Commands.Streams;

/// <summary>
/// The options of XADD and XTRIM, parsed in Redis 7.0's order (streamParseAddOrTrimArgsOrReply): MAXLEN or MINID with
/// an optional = or ~, LIMIT, and for XADD NOMKSTREAM and then the ID (which ends the options).
/// </summary>
internal struct StreamTrimArgs
{
    public bool Trims;
    public bool ByMinId;
    public bool Approximate;
    public long MaxLength;
    public StreamId MinId;
    /// <summary>Most entries to remove (0 = no cap): the LIMIT given, or 100 × stream-node-max-entries with ~.</summary>
    public long Limit;
    /// <summary>Argument index of the MAXLEN / MINID value (rewritten in the propagated command).</summary>
    public int StrategyValueIndex;
    public bool NoMkStream;
    public bool IdGiven;
    public bool SeqGiven;
    public StreamId Id;
    /// <summary>XADD: the argument index of the ID ("*" included).</summary>
    public int IdIndex;

    /// <summary>Parses from argument 2 on; false after writing the error.</summary>
    public static bool TryParse(ref CommandContext ctx, bool xadd, long nodeMaxEntries, out StreamTrimArgs a)
    {
        a = default;
        bool limitGiven = false;
        int i = 2;
        for (; i < ctx.Args.Count; i++)
        {
            int more = ctx.Args.Count - 1 - i;
            var opt = ctx.Args[i];
            if (xadd && opt.Length == 1 && opt[0] == (byte)'*')
            {
                break;
            }
            bool maxLen = Ascii.EqualsIgnoreCase(opt, "MAXLEN"u8);
            if ((maxLen || Ascii.EqualsIgnoreCase(opt, "MINID"u8)) && more > 0)
            {
                if (a.Trims)
                {
                    ctx.Writer.WriteError(StreamErrors.MaxLenAndMinId);
                    return false;
                }
                a.Approximate = false;
                var next = ctx.Args[i + 1];
                if (more >= 2 && next.Length == 1 && (next[0] == (byte)'~' || next[0] == (byte)'='))
                {
                    a.Approximate = next[0] == (byte)'~';
                    i++;
                }
                i++;
                if (maxLen)
                {
                    if (!Numbers.TryParseInt64(ctx.Args[i], out a.MaxLength))
                    {
                        ctx.Writer.WriteError(RespErrors.NotInteger);
                        return false;
                    }
                    if (a.MaxLength < 0)
                    {
                        ctx.Writer.WriteError(StreamErrors.MaxLenNegative);
                        return false;
                    }
                }
                else if (!StreamId.TryParse(ctx.Args[i], 0, false, false, out a.MinId, out _))
                {
                    ctx.Writer.WriteError(StreamErrors.InvalidId);
                    return false;
                }
                a.Trims = true;
                a.ByMinId = !maxLen;
                a.StrategyValueIndex = i;
            }
            else if (Ascii.EqualsIgnoreCase(opt, "LIMIT"u8) && more > 0)
            {
                if (!Numbers.TryParseInt64(ctx.Args[i + 1], out a.Limit))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return false;
                }
                if (a.Limit < 0)
                {
                    ctx.Writer.WriteError(StreamErrors.LimitNegative);
                    return false;
                }
                limitGiven = true;
                i++;
            }
            else if (xadd && Ascii.EqualsIgnoreCase(opt, "NOMKSTREAM"u8))
            {
                a.NoMkStream = true;
            }
            else if (xadd)
            {
                if (!StreamId.TryParse(opt, 0, false, true, out a.Id, out a.SeqGiven))
                {
                    ctx.Writer.WriteError(StreamErrors.InvalidId);
                    return false;
                }
                a.IdGiven = true;
                break;
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return false;
            }
        }
        a.IdIndex = i;
        if (a.Limit != 0 && !a.Trims)
        {
            ctx.Writer.WriteError(StreamErrors.LimitWithoutStrategy);
            return false;
        }
        if (!xadd && !a.Trims)
        {
            ctx.Writer.WriteError(StreamErrors.TrimWithoutStrategy);
            return false;
        }
        if (ctx.Session.IsMasterLink)
        {
            // What a primary sends was rewritten to an exact trim; its LIMIT no longer applies.
            a.Limit = 0;
        }
        else if (limitGiven)
        {
            if (!a.Approximate)
            {
                ctx.Writer.WriteError(StreamErrors.LimitWithoutTilde);
                return false;
            }
        }
        else a.Limit = a.Approximate ? (nodeMaxEntries > 0 ? 100 * nodeMaxEntries : 10000) : 0;
        return true;
    }
}
