using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Commands.SortedSets;
using FastNode.Server.Persistence;
using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Geo;

/// <summary>
/// GEOADD, GEODIST, GEOHASH and GEOPOS. A geo set is a sorted set whose scores are 52-bit geohashes
/// (<see cref="GeoHash"/>); GEOADD is ZADD with encoded scores, and propagates and notifies as that ZADD, as Redis
/// rewrites it.
/// </summary>
public static class GeoCommands
{
    /// <summary>GEOADD key [NX|XX] [CH] longitude latitude member [...]: the options may come in any order.</summary>
    public static void GeoAdd(ref CommandContext ctx)
    {
        var args = ctx.Args;
        int first = 2;
        var flags = ZAddFlags.None;
        bool changed = false;
        for (; first < args.Count; first++)
        {
            var arg = args[first];
            if (Ascii.EqualsIgnoreCase(arg, "NX"u8)) flags |= ZAddFlags.Nx;
            else if (Ascii.EqualsIgnoreCase(arg, "XX"u8)) flags |= ZAddFlags.Xx;
            else if (Ascii.EqualsIgnoreCase(arg, "CH"u8)) changed = true;
            else break;
        }
        int elements = (args.Count - first) / 3;
        if ((args.Count - first) % 3 != 0 || flags == (ZAddFlags.Nx | ZAddFlags.Xx) || elements == 0)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        // Every pair is checked before anything changes, as Redis builds the whole ZADD first.
        int maxLength = 0, packedBytes = 0;
        for (int a = first; a < args.Count; a += 3)
        {
            if (!TryParsePoint(ref ctx, a, out double longitude, out double latitude)) return;
            maxLength = Math.Max(maxLength, args[a + 2].Length);
            packedBytes += SortedSetValue.PackedSize(args[a + 2], GeoHash.Score(longitude, latitude));
        }

        long added = 0, updated = 0;
        using var k = ctx.Open(args[1], Lookup.Write);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        bool created = false;
        if (z is null && (flags & ZAddFlags.Xx) == 0)
        {
            z = k.Add(ValueKind.SortedSet, SortedSetValue.Create(elements, maxLength, packedBytes));
            created = true;
        }
        for (int a = first; z is not null && a < args.Count; a += 3)
        {
            var outcome = z.Add(args[a + 2], PointScore(args, a), flags, out _);
            if (outcome == ZAddOutcome.Added) added++;
            else if (outcome == ZAddOutcome.Updated) updated++;
        }
        if (added + updated > 0)
        {
            ctx.Notify(Ev.SortedSet, "zadd"u8, args[1]);
            if (ctx.Propagating) EmitZAdd(ref ctx, first, elements);
        }
        else ctx.SkipPropagation();
        if (created)
        {
            SortedSetWaiters.Wake(ctx.Db, in k, z!, ctx.NowMs, ctx.Session.InExec);
            k.DeleteIfEmpty(z!);
        }
        ctx.Writer.WriteInteger(changed ? added + updated : added);
    }

    /// <summary>Reads the longitude and latitude at <paramref name="at"/>; on failure the error is already written.</summary>
    internal static bool TryParsePoint(ref CommandContext ctx, int at, out double longitude, out double latitude)
    {
        latitude = 0;
        if (!ScoreParser.TryParseScore(ctx.Args[at], out longitude) || !ScoreParser.TryParseScore(ctx.Args[at + 1], out latitude))
        {
            ctx.Writer.WriteError(RespErrors.NotFloat);
            return false;
        }
        if (GeoHash.IsValid(longitude, latitude)) return true;
        ctx.Writer.WriteError(GeoReplies.InvalidPair(longitude, latitude));
        return false;
    }

    /// <summary>The score of the (already validated) pair at <paramref name="at"/>.</summary>
    private static double PointScore(CommandArgs args, int at)
    {
        ScoreParser.TryParseScore(args[at], out double longitude);
        ScoreParser.TryParseScore(args[at + 1], out double latitude);
        return GeoHash.Score(longitude, latitude);
    }

    /// <summary>The ZADD Redis turns GEOADD into: the key, the options as given, then score member pairs.</summary>
    private static void EmitZAdd(ref CommandContext ctx, int first, int elements)
    {
        var args = ctx.Args;
        var record = new ChangeRecord(first + elements * 2);
        record.Add("zadd"u8);
        for (int a = 1; a < first; a++) record.Add(args[a]);
        for (int a = first; a < args.Count; a += 3)
        {
            record.Add((long)PointScore(args, a));
            record.Add(args[a + 2]);
        }
        ctx.Emit(ref record);
    }

    /// <summary>GEODIST key member1 member2 [M|KM|FT|MI]: nil when the key or either member is missing.</summary>
    public static void GeoDist(ref CommandContext ctx)
    {
        double toMeters = 1;
        if (ctx.Args.Count == 5)
        {
            if (!TryParseUnit(ref ctx, ctx.Args[4], out toMeters)) return;
        }
        else if (ctx.Args.Count > 5)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (z is null || !z.TryGetScore(ctx.Args[2], out double score1) || !z.TryGetScore(ctx.Args[3], out double score2))
        {
            ctx.Writer.WriteNullBulk();
            return;
        }
        GeoHash.DecodeScore(score1, out double lon1, out double lat1);
        GeoHash.DecodeScore(score2, out double lon2, out double lat2);
        GeoReplies.WriteDistance(ref ctx.Writer, GeoDistance.Meters(lon1, lat1, lon2, lat2) / toMeters);
    }

    /// <summary>A unit argument (case-insensitive, as Redis 7.0); on failure the error is already written.</summary>
    internal static bool TryParseUnit(ref CommandContext ctx, ReadOnlySpan<byte> unit, out double toMeters)
    {
        if (Ascii.EqualsIgnoreCase(unit, "M"u8)) toMeters = 1;
        else if (Ascii.EqualsIgnoreCase(unit, "KM"u8)) toMeters = 1000;
        else if (Ascii.EqualsIgnoreCase(unit, "FT"u8)) toMeters = 0.3048;
        else if (Ascii.EqualsIgnoreCase(unit, "MI"u8)) toMeters = 1609.34;
        else
        {
            toMeters = -1;
            ctx.Writer.WriteError(GeoErrors.UnsupportedUnit);
            return false;
        }
        return true;
    }

    /// <summary>GEOHASH key [member ...]: 11-character standard geohashes, nil for missing members (or a missing key).</summary>
    public static void GeoHashes(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        Span<byte> text = stackalloc byte[11];
        ctx.Writer.WriteArrayHeader(ctx.Args.Count - 2);
        for (int a = 2; a < ctx.Args.Count; a++)
        {
            if (z is null || !z.TryGetScore(ctx.Args[a], out double score))
            {
                ctx.Writer.WriteNullBulk();
                continue;
            }
            GeoHash.WriteStandard(score, text);
            ctx.Writer.WriteBulkString(text);
        }
    }

    /// <summary>GEOPOS key [member ...]: [longitude, latitude] per member, a nil array for missing ones.</summary>
    public static void GeoPos(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        ctx.Writer.WriteArrayHeader(ctx.Args.Count - 2);
        for (int a = 2; a < ctx.Args.Count; a++)
        {
            if (z is null || !z.TryGetScore(ctx.Args[a], out double score))
            {
                ctx.Writer.WriteNullArray();
                continue;
            }
            GeoHash.DecodeScore(score, out double longitude, out double latitude);
            ctx.Writer.WriteArrayHeader(2);
            GeoReplies.WriteCoordinate(ref ctx.Writer, longitude);
            GeoReplies.WriteCoordinate(ref ctx.Writer, latitude);
        }
    }
}
