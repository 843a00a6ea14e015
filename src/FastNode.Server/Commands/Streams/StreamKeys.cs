using FastNode.Protocol;

namespace FastNode.Server.Commands.Streams;

/// <summary>
/// Where XREAD's and XREADGROUP's keys are (they follow STREAMS, first half of what is left), found as Redis 7.0's
/// xreadGetKeys finds them: options are skipped up to the first STREAMS; anything else, no STREAMS, or an odd or zero
/// count after it means no keys (the command then fails on its own). CLIENT TRACKING remembers XREAD's keys this way.
/// </summary>
public static class StreamKeys
{
    /// <summary>The first key's argument index and the number of keys; false when the arguments name none.</summary>
    public static bool Locate(CommandArgs args, out int first, out int count)
    {
        first = 0;
        count = 0;
        for (int i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (Ascii.EqualsIgnoreCase(arg, "BLOCK"u8) || Ascii.EqualsIgnoreCase(arg, "COUNT"u8)) i++;
            else if (Ascii.EqualsIgnoreCase(arg, "GROUP"u8)) i += 2;
            else if (Ascii.EqualsIgnoreCase(arg, "NOACK"u8)) continue;
            else if (Ascii.EqualsIgnoreCase(arg, "STREAMS"u8))
            {
                int rest = args.Count - i - 1;
                if (rest == 0 || rest % 2 != 0) return false;
                first = i + 1;
                count = rest / 2;
                return true;
            }
            else return false;
        }
        return false;
    }
}
