using FastNode.Protocol;
using FastNode.Server.Commands.SortedSets;
using FastNode.Server.Commands.Sort;
using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.Geo;

/// <summary>
/// GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms: one search (Redis's
/// georadiusGeneric). The source key is looked up first (WRONGTYPE before any syntax error, as Redis), then the
/// arguments are parsed, the covering cells scanned, the points ordered (ASC/DESC, COUNT, ANY) and either replied or
/// stored as a sorted set (scores: the geohash, or the distance with STOREDIST).
///
/// A store replaces the destination (TTL dropped), or deletes it when nothing was found, raising
/// georadiusstore/geosearchstore (or del), waking BZPOPMIN-style waiters and touching WATCH; it propagates as
/// called, as Redis does, and not at all when it changed nothing. The source's shard and every possible
/// destination's are locked together before anything is read.
/// </summary>
public static class GeoSearchCommands
{
    public static void GeoRadius(ref CommandContext ctx) => Search(ref ctx, 1, GeoSearchKind.Coordinates);

    public static void GeoRadiusByMember(ref CommandContext ctx) => Search(ref ctx, 1, GeoSearchKind.Member);

    public static void GeoRadiusRo(ref CommandContext ctx) => Search(ref ctx, 1, GeoSearchKind.Coordinates | GeoSearchKind.NoStore);

    public static void GeoRadiusByMemberRo(ref CommandContext ctx) => Search(ref ctx, 1, GeoSearchKind.Member | GeoSearchKind.NoStore);

    public static void GeoSearch(ref CommandContext ctx) => Search(ref ctx, 1, GeoSearchKind.Search);

    public static void GeoSearchStore(ref CommandContext ctx) => Search(ref ctx, 2, GeoSearchKind.Search | GeoSearchKind.SearchStore);

    private static void Search(ref CommandContext ctx, int sourceIndex, GeoSearchKind kind)
    {
        // The table lists the source as the key; WATCH hears only about a destination that changed (below).
        ctx.TouchedOwnKeys = true;
        var args = ctx.Args;
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        locks.Add(KeyHasher.Hash(args[sourceIndex]));
        if ((kind & GeoSearchKind.SearchStore) != 0) locks.Add(KeyHasher.Hash(args[1]));
        else if ((kind & (GeoSearchKind.NoStore | GeoSearchKind.Search)) == 0)
        {
            // Any argument after STORE / STOREDIST may turn out to be the destination.
            for (int a = 5; a + 1 < args.Count; a++)
            {
                if (Ascii.EqualsIgnoreCase(args[a], "STORE"u8) || Ascii.EqualsIgnoreCase(args[a], "STOREDIST"u8)) locks.Add(KeyHasher.Hash(args[a + 1]));
            }
        }
        locks.EnterAll();

        GeoSearchRequest request;
        SortedSetValue? result = null;
        long returned = 0;
        {
            using var source = ctx.Open(args[sourceIndex], Lookup.Read);
            var z = source.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (!GeoSearchRequest.TryParse(ref ctx, kind, z, out request)) return;
            if (z is null && request.StoreKey == 0)
            {
                ctx.SkipPropagation();
                ctx.Writer.WriteRaw(RespReplies.EmptyArray);
                return;
            }
            if (z is not null)
            {
                var points = Find(z, ref request, out returned);
                if (request.StoreKey == 0)
                {
                    ctx.SkipPropagation();
                    WriteReply(ref ctx.Writer, z, request, points.Slice(0, (int)returned));
                    GeoScan.Release(points);
                    return;
                }
                result = Copy(z, request, points.Slice(0, (int)returned));
                GeoScan.Release(points);
            }
        }
        var destination = args[request.StoreKey];
        bool changed = SortedSetDestination.Store(ref ctx, destination, result,
            (kind & GeoSearchKind.Search) != 0 ? "geosearchstore"u8 : "georadiusstore"u8);
        if (changed && ctx.Server.Watches.Active) ctx.Server.Watches.Touch(ctx.Session.DbIndex, destination);
        if (!changed) ctx.SkipPropagation();
        ctx.Writer.WriteInteger(returned);
    }

    /// <summary>Scans and orders the points; <paramref name="returned"/> is how many of them the reply uses.</summary>
    private static Span<GeoPoint> Find(SortedSetValue z, ref GeoSearchRequest request, out long returned)
    {
        // COUNT without ANY means "the nearest N": sort them, ascending unless asked otherwise.
        if (request.Count != 0 && request.Sort == 0 && !request.Any) request.Sort = 1;
        var points = GeoScan.Find(z, request.Shape, request.Any ? request.Count : 0);
        returned = request.Count == 0 || points.Length < request.Count ? points.Length : request.Count;
        if (request.Sort != 0 && points.Length > 0)
        {
            var order = new GeoScan.ByDistance(descending: request.Sort == 2);
            if (returned == points.Length) RedisSorts.Stable(points, order);
            else RedisSorts.Partial(points, order, 0, returned - 1);
        }
        double conversion = request.Shape.Conversion;
        for (int i = 0; i < returned; i++) points[i].Distance /= conversion;
        return points;
    }

    private static void WriteReply(ref RespWriter writer, SortedSetValue z, in GeoSearchRequest request, scoped ReadOnlySpan<GeoPoint> points)
    {
        int options = (request.WithDistance ? 1 : 0) + (request.WithHash ? 1 : 0) + (request.WithCoordinates ? 1 : 0);
        writer.WriteArrayHeader(points.Length);
        foreach (ref readonly var point in points)
        {
            if (options > 0) writer.WriteArrayHeader(options + 1);
            writer.WriteBulkString(z.MemberAt(point.Position));
            if (request.WithDistance) GeoReplies.WriteDistance(ref writer, point.Distance);
            if (request.WithHash) writer.WriteInteger(CastToInt64(point.Score));
            if (request.WithCoordinates)
            {
                writer.WriteArrayHeader(2);
                GeoReplies.WriteCoordinate(ref writer, point.Longitude);
                GeoReplies.WriteCoordinate(ref writer, point.Latitude);
            }
        }
    }

    /// <summary><c>(long long)d</c> as x86-64 C computes it (out of range: the "integer indefinite" value).</summary>
    private static long CastToInt64(double d) => d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? (long)d : long.MinValue;

    /// <summary>The destination set: members with their geohash, or with their distance in the unit (STOREDIST).</summary>
    private static SortedSetValue? Copy(SortedSetValue z, in GeoSearchRequest request, scoped ReadOnlySpan<GeoPoint> points)
    {
        if (points.Length == 0) return null;
        int maxLength = 0;
        foreach (ref readonly var point in points) maxLength = Math.Max(maxLength, z.MemberAt(point.Position).Length);
        var result = SortedSetValue.Create(points.Length, maxLength);
        foreach (ref readonly var point in points)
            result.Add(z.MemberAt(point.Position), request.StoreDistance ? point.Distance : point.Score, ZAddFlags.None, out _);
        return result;
    }
}
