using FastNode.Protocol;
using FastNode.Server.Tracking;

namespace FastNode.Server.Commands.Connection;

/// <summary>
/// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (server-assisted client-side caching; the mechanism is in
/// Tracking/Tracker.cs). Option parsing and the checks follow Redis 7.0's order and error texts.
/// </summary>
public static class ClientTrackingCommands
{
    /// <summary>CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP].</summary>
    public static void Tracking(ref CommandContext ctx)
    {
        var args = ctx.Args;
        var flags = TrackingFlags.None;
        long redirect = 0;
        List<byte[]> prefixes = [];
        for (int i = 3; i < args.Count; i++)
        {
            bool more = i < args.Count - 1;
            var option = args[i];
            if (Ascii.EqualsIgnoreCase(option, "REDIRECT"u8) && more)
            {
                i++;
                if (redirect != 0)
                {
                    ctx.Writer.WriteError("ERR A client can only redirect to a single other client");
                    return;
                }
                if (!Numbers.TryParseInt64(args[i], out redirect))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (!ctx.Server.Clients.TryGet(redirect, out _))
                {
                    ctx.Writer.WriteError("ERR The client ID you want redirect to does not exist");
                    return;
                }
            }
            else if (Ascii.EqualsIgnoreCase(option, "BCAST"u8)) flags |= TrackingFlags.Bcast;
            else if (Ascii.EqualsIgnoreCase(option, "OPTIN"u8)) flags |= TrackingFlags.OptIn;
            else if (Ascii.EqualsIgnoreCase(option, "OPTOUT"u8)) flags |= TrackingFlags.OptOut;
            else if (Ascii.EqualsIgnoreCase(option, "NOLOOP"u8)) flags |= TrackingFlags.NoLoop;
            else if (Ascii.EqualsIgnoreCase(option, "PREFIX"u8) && more) prefixes.Add(args[++i].ToArray());
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }

        var mode = args[2];
        if (Ascii.EqualsIgnoreCase(mode, "ON"u8))
        {
            if (CheckOn(ctx.Session.Tracking, flags, prefixes) is { } error)
            {
                ctx.Writer.WriteError(error);
                return;
            }
            ctx.Server.Tracking.Enable(ctx.Session, flags, redirect, prefixes);
        }
        else if (Ascii.EqualsIgnoreCase(mode, "OFF"u8)) ctx.Server.Tracking.Disable(ctx.Session);
        else
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>The options must agree with each other and with the tracking already on; null when they do.</summary>
    private static string? CheckOn(ClientTracking? current, TrackingFlags flags, List<byte[]> prefixes)
    {
        bool bcast = (flags & TrackingFlags.Bcast) != 0;
        if (!bcast && prefixes.Count > 0) return "ERR PREFIX option requires BCAST mode to be enabled";
        if (current is not null && current.Bcast != bcast)
            return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
        bool optIn = (flags & TrackingFlags.OptIn) != 0, optOut = (flags & TrackingFlags.OptOut) != 0;
        if (bcast && (optIn || optOut)) return "ERR OPTIN and OPTOUT are not compatible with BCAST";
        if (optIn && optOut) return "ERR You can't specify both OPTIN mode and OPTOUT mode";
        if (current is not null && ((optIn && (current.Flags & TrackingFlags.OptOut) != 0) || (optOut && (current.Flags & TrackingFlags.OptIn) != 0)))
            return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
        return bcast ? PrefixCollision(current, prefixes) : null;
    }

    /// <summary>A client's prefixes must not overlap (one a prefix of the other), among the new ones or with its existing ones.</summary>
    private static string? PrefixCollision(ClientTracking? current, List<byte[]> prefixes)
    {
        for (int i = 0; i < prefixes.Count; i++)
        {
            if (current is not null)
            {
                foreach (var existing in current.Prefixes)
                {
                    if (!Overlap(existing, prefixes[i])) continue;
                    return $"ERR Prefix '{ErrorText.Text(prefixes[i])}' overlaps with an existing prefix '{ErrorText.Text(existing)}'. "
                        + "Prefixes for a single client must not overlap.";
                }
            }
            for (int j = i + 1; j < prefixes.Count; j++)
            {
                if (!Overlap(prefixes[i], prefixes[j])) continue;
                return $"ERR Prefix '{ErrorText.Text(prefixes[i])}' overlaps with another provided prefix '{ErrorText.Text(prefixes[j])}'. "
                    + "Prefixes for a single client must not overlap.";
            }
        }
        return null;
    }

    private static bool Overlap(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length <= b.Length ? b.StartsWith(a) : a.StartsWith(b);

    /// <summary>CLIENT CACHING YES|NO: whether the next command's reads are remembered (OPTIN yes, OPTOUT no).</summary>
    public static void Caching(ref CommandContext ctx)
    {
        if (ctx.Session.Tracking is not { } tracking)
        {
            ctx.Writer.WriteError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
            return;
        }
        var answer = ctx.Args[2];
        if (Ascii.EqualsIgnoreCase(answer, "YES"u8))
        {
            if ((tracking.Flags & TrackingFlags.OptIn) == 0)
            {
                ctx.Writer.WriteError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
                return;
            }
        }
        else if (Ascii.EqualsIgnoreCase(answer, "NO"u8))
        {
            if ((tracking.Flags & TrackingFlags.OptOut) == 0)
            {
                ctx.Writer.WriteError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
                return;
            }
        }
        else
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        tracking.Caching = true;
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>CLIENT GETREDIR: the redirect id, 0 when tracking without one, -1 when tracking is off.</summary>
    public static void GetRedir(ref CommandContext ctx) =>
        ctx.Writer.WriteInteger(ctx.Session.Tracking is { } tracking ? tracking.RedirectId : -1);

    /// <summary>CLIENT TRACKINGINFO: a map of flags (a set), redirect and prefixes, in Redis's order.</summary>
    public static void TrackingInfo(ref CommandContext ctx)
    {
        var tracking = ctx.Session.Tracking;
        ref var w = ref ctx.Writer;
        w.WriteMapHeader(3);
        w.WriteBulkString("flags"u8);
        if (tracking is null)
        {
            w.WriteSetHeader(1);
            w.WriteBulkString("off"u8);
        }
        else
        {
            var flags = tracking.Flags;
            bool optIn = (flags & TrackingFlags.OptIn) != 0, optOut = (flags & TrackingFlags.OptOut) != 0;
            int count = 1 + (tracking.Bcast ? 1 : 0) + (optIn ? 1 : 0) + (optOut ? 1 : 0) + ((optIn || optOut) && tracking.Caching ? 1 : 0)
                + (tracking.NoLoop ? 1 : 0) + (tracking.BrokenRedirect ? 1 : 0);
            w.WriteSetHeader(count);
            w.WriteBulkString("on"u8);
            if (tracking.Bcast) w.WriteBulkString("bcast"u8);
            if (optIn)
            {
                w.WriteBulkString("optin"u8);
                if (tracking.Caching) w.WriteBulkString("caching-yes"u8);
            }
            if (optOut)
            {
                w.WriteBulkString("optout"u8);
                if (tracking.Caching) w.WriteBulkString("caching-no"u8);
            }
            if (tracking.NoLoop) w.WriteBulkString("noloop"u8);
            if (tracking.BrokenRedirect) w.WriteBulkString("broken_redirect"u8);
        }
        w.WriteBulkString("redirect"u8);
        w.WriteInteger(tracking is null ? -1 : tracking.RedirectId);
        w.WriteBulkString("prefixes"u8);
        var prefixes = tracking?.Prefixes;
        w.WriteArrayHeader(prefixes?.Count ?? 0);
        if (prefixes is not null)
        {
            foreach (var prefix in prefixes) w.WriteBulkString(prefix);
        }
    }
}
