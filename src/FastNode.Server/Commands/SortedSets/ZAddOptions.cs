using FastNode.Protocol;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]: the options, checked in Redis's order.</summary>
internal struct ZAddOptions
{
    public ZAddFlags Flags;
    /// <summary>Reply with added + updated instead of added.</summary>
    public bool Changed;
    /// <summary>Argument index of the first score.</summary>
    public int FirstScore;

    public readonly bool Incr => (Flags & ZAddFlags.Incr) != 0;

    public readonly int Elements(CommandArgs args) => (args.Count - FirstScore) / 2;

    /// <summary>Parses the options; returns the error to send, or an empty span.</summary>
    public static ReadOnlySpan<byte> Parse(CommandArgs args, out ZAddOptions options)
    {
        options = default;
        int a = 2;
        for (; a < args.Count; a++)
        {
            var arg = args[a];
            if (Ascii.EqualsIgnoreCase(arg, "NX"u8)) options.Flags |= ZAddFlags.Nx;
            else if (Ascii.EqualsIgnoreCase(arg, "XX"u8)) options.Flags |= ZAddFlags.Xx;
            else if (Ascii.EqualsIgnoreCase(arg, "GT"u8)) options.Flags |= ZAddFlags.Gt;
            else if (Ascii.EqualsIgnoreCase(arg, "LT"u8)) options.Flags |= ZAddFlags.Lt;
            else if (Ascii.EqualsIgnoreCase(arg, "CH"u8)) options.Changed = true;
            else if (Ascii.EqualsIgnoreCase(arg, "INCR"u8)) options.Flags |= ZAddFlags.Incr;
            else break;
        }
        options.FirstScore = a;
        int remaining = args.Count - a;
        if (remaining == 0 || (remaining & 1) != 0) return RespErrors.Syntax;
        var flags = options.Flags;
        bool nx = (flags & ZAddFlags.Nx) != 0, gt = (flags & ZAddFlags.Gt) != 0, lt = (flags & ZAddFlags.Lt) != 0;
        if (nx && (flags & ZAddFlags.Xx) != 0) return SortedSetErrors.XxAndNx;
        if ((gt && nx) || (lt && nx) || (gt && lt)) return SortedSetErrors.GtLtNx;
        if (options.Incr && remaining > 2) return SortedSetErrors.IncrSinglePair;
        return default;
    }
}
