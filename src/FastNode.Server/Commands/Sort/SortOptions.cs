using FastNode.Protocol;

namespace FastNode.Server.Commands.Sort;

/// <summary>
/// SORT / SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination],
/// parsed in Redis 7.0's order (sortCommandGeneric): options left to right, the last of each kind winning, LIMIT's
/// integers checked as they come, and in cluster mode BY with a real pattern and any GET refused.
/// </summary>
internal struct SortOptions
{
    public bool Descending;
    public bool Alpha;
    public long LimitStart;
    /// <summary>-1 = no limit.</summary>
    public long LimitCount;
    /// <summary>Argument index of the STORE destination, or 0.</summary>
    public int StoreKey;
    /// <summary>Argument index of the BY pattern, or 0.</summary>
    public int By;
    /// <summary>BY names a constant (no '*'): keep the stored order.</summary>
    public bool DontSort;
    /// <summary>How many GET patterns (their indexes are in the list passed to <see cref="TryParse"/>).</summary>
    public int GetCount;

    /// <summary>False once the error is written.</summary>
    public static bool TryParse(ref CommandContext ctx, bool readOnly, List<int> gets, out SortOptions options)
    {
        options = default;
        options.LimitCount = -1;
        var args = ctx.Args;
        bool cluster = ctx.Server.Cluster is not null;
        // Redis 7.0: BY and GET patterns name keys the ACL check cannot see, so they need full key access.
        bool fullKeyAccess = FastNode.Server.Acl.UserDirectory.HasFullKeyAccess(
            ctx.Session.AclExempt ? null : ctx.Session.User ?? ctx.Server.Acl.Default, ctx.Command);
        for (int j = 2; j < args.Count; j++)
        {
            int left = args.Count - j - 1;
            var arg = args[j];
            if (Ascii.EqualsIgnoreCase(arg, "ASC"u8)) options.Descending = false;
            else if (Ascii.EqualsIgnoreCase(arg, "DESC"u8)) options.Descending = true;
            else if (Ascii.EqualsIgnoreCase(arg, "ALPHA"u8)) options.Alpha = true;
            else if (Ascii.EqualsIgnoreCase(arg, "LIMIT"u8) && left >= 2)
            {
                if (!Numbers.TryParseInt64(args[j + 1], out options.LimitStart) || !Numbers.TryParseInt64(args[j + 2], out options.LimitCount))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return false;
                }
                j += 2;
            }
            else if (!readOnly && Ascii.EqualsIgnoreCase(arg, "STORE"u8) && left >= 1) options.StoreKey = ++j;
            else if (Ascii.EqualsIgnoreCase(arg, "BY"u8) && left >= 1)
            {
                options.By = ++j;
                if (args[j].IndexOf((byte)'*') < 0) options.DontSort = true;
                else if (cluster)
                {
                    ctx.Writer.WriteError("ERR BY option of SORT denied in Cluster mode."u8);
                    return false;
                }
                else if (!fullKeyAccess)
                {
                    ctx.Writer.WriteError("ERR BY option of SORT denied due to insufficient ACL permissions."u8);
                    return false;
                }
            }
            else if (Ascii.EqualsIgnoreCase(arg, "GET"u8) && left >= 1)
            {
                if (cluster)
                {
                    ctx.Writer.WriteError("ERR GET option of SORT denied in Cluster mode."u8);
                    return false;
                }
                if (!fullKeyAccess)
                {
                    ctx.Writer.WriteError("ERR GET option of SORT denied due to insufficient ACL permissions."u8);
                    return false;
                }
                gets.Add(++j);
                options.GetCount++;
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return false;
            }
        }
        return true;
    }
}
