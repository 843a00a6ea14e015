using FastNode.Protocol;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.Geo;

/// <summary>
/// A parsed GEORADIUS* / GEOSEARCH* call, read in Redis 7.0's order (georadiusGeneric): the center and size of the
/// legacy forms first, then the options left to right, each checked as it comes (a FROMMEMBER looks its member up in
/// the set right then), then the combinations. Errors are written as they are found.
/// </summary>
internal struct GeoSearchRequest
{
    public GeoShape Shape;
    /// <summary>Argument index of the destination key, or 0.</summary>
    public int StoreKey;
    public bool StoreDistance;
    public bool WithDistance, WithHash, WithCoordinates;
    /// <summary>COUNT's value, 0 for none.</summary>
    public long Count;
    public bool Any;
    /// <summary>0 none, 1 ascending, 2 descending.</summary>
    public int Sort;

    /// <summary>Parses against the source set <paramref name="z"/> (null when missing); false once an error is written.</summary>
    public static bool TryParse(ref CommandContext ctx, GeoSearchKind kind, SortedSetValue? z, out GeoSearchRequest request)
    {
        request = default;
        var args = ctx.Args;
        int baseArgs;
        if ((kind & GeoSearchKind.Coordinates) != 0)
        {
            baseArgs = 6;
            if (!GeoCommands.TryParsePoint(ref ctx, 2, out request.Shape.Longitude, out request.Shape.Latitude)) return false;
            if (!TryParseRadius(ref ctx, 4, ref request.Shape)) return false;
        }
        else if ((kind & GeoSearchKind.Member) != 0)
        {
            // Without the set Redis parses the options only to pick the reply (no center, no radius checked).
            baseArgs = 5;
            if (z is not null)
            {
                if (!TryCenterOnMember(ref ctx, z, args[2], ref request.Shape)) return false;
                if (!TryParseRadius(ref ctx, 3, ref request.Shape)) return false;
            }
        }
        else
        {
            baseArgs = 2;
            if ((kind & GeoSearchKind.SearchStore) != 0)
            {
                baseArgs = 3;
                request.StoreKey = 1;
            }
        }

        bool search = (kind & GeoSearchKind.Search) != 0;
        bool legacyStore = (kind & (GeoSearchKind.NoStore | GeoSearchKind.Search)) == 0;
        bool fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
        int remaining = args.Count - baseArgs;
        for (int i = 0; i < remaining; i++)
        {
            int at = baseArgs + i;
            var arg = args[at];
            if (Ascii.EqualsIgnoreCase(arg, "WITHDIST"u8)) request.WithDistance = true;
            else if (Ascii.EqualsIgnoreCase(arg, "WITHHASH"u8)) request.WithHash = true;
            else if (Ascii.EqualsIgnoreCase(arg, "WITHCOORD"u8)) request.WithCoordinates = true;
            else if (Ascii.EqualsIgnoreCase(arg, "ANY"u8)) request.Any = true;
            else if (Ascii.EqualsIgnoreCase(arg, "ASC"u8)) request.Sort = 1;
            else if (Ascii.EqualsIgnoreCase(arg, "DESC"u8)) request.Sort = 2;
            else if (Ascii.EqualsIgnoreCase(arg, "COUNT"u8) && i + 1 < remaining)
            {
                if (!Numbers.TryParseInt64(args[at + 1], out request.Count))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return false;
                }
                if (request.Count <= 0)
                {
                    ctx.Writer.WriteError(GeoErrors.CountNotPositive);
                    return false;
                }
                i++;
            }
            else if (legacyStore && i + 1 < remaining && (Ascii.EqualsIgnoreCase(arg, "STORE"u8) || Ascii.EqualsIgnoreCase(arg, "STOREDIST"u8)))
            {
                request.StoreKey = at + 1;
                request.StoreDistance = arg.Length == 9;
                i++;
            }
            else if ((kind & GeoSearchKind.SearchStore) != 0 && Ascii.EqualsIgnoreCase(arg, "STOREDIST"u8)) request.StoreDistance = true;
            else if (search && !fromLonLat && i + 1 < remaining && Ascii.EqualsIgnoreCase(arg, "FROMMEMBER"u8))
            {
                if (z is not null && !TryCenterOnMember(ref ctx, z, args[at + 1], ref request.Shape)) return false;
                fromMember = true;
                i++;
            }
            else if (search && !fromMember && i + 2 < remaining && Ascii.EqualsIgnoreCase(arg, "FROMLONLAT"u8))
            {
                if (!GeoCommands.TryParsePoint(ref ctx, at + 1, out request.Shape.Longitude, out request.Shape.Latitude)) return false;
                fromLonLat = true;
                i += 2;
            }
            else if (search && !byBox && i + 2 < remaining && Ascii.EqualsIgnoreCase(arg, "BYRADIUS"u8))
            {
                if (!TryParseRadius(ref ctx, at + 1, ref request.Shape)) return false;
                request.Shape.IsBox = false;
                byRadius = true;
                i += 2;
            }
            else if (search && !byRadius && i + 3 < remaining && Ascii.EqualsIgnoreCase(arg, "BYBOX"u8))
            {
                if (!TryParseBox(ref ctx, at + 1, ref request.Shape)) return false;
                request.Shape.IsBox = true;
                byBox = true;
                i += 3;
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return false;
            }
        }

        if (request.StoreKey != 0 && (request.WithDistance || request.WithHash || request.WithCoordinates))
        {
            ctx.Writer.WriteError((kind & GeoSearchKind.SearchStore) != 0 ? GeoErrors.SearchStoreWithOptions : GeoErrors.StoreWithOptions);
            return false;
        }
        if (search && !(fromMember || fromLonLat))
        {
            ctx.Writer.WriteError($"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {ErrorText.Text(args[0])}");
            return false;
        }
        if (search && !(byRadius || byBox))
        {
            ctx.Writer.WriteError($"ERR exactly one of BYRADIUS and BYBOX can be specified for {ErrorText.Text(args[0])}");
            return false;
        }
        if (request.Any && request.Count == 0)
        {
            ctx.Writer.WriteError(GeoErrors.AnyNeedsCount);
            return false;
        }
        return true;
    }

    private static bool TryCenterOnMember(ref CommandContext ctx, SortedSetValue z, ReadOnlySpan<byte> member, ref GeoShape shape)
    {
        if (!z.TryGetScore(member, out double score))
        {
            ctx.Writer.WriteError(GeoErrors.MemberNotFound);
            return false;
        }
        GeoHash.DecodeScore(score, out shape.Longitude, out shape.Latitude);
        return true;
    }

    /// <summary>radius unit at <paramref name="at"/> (extractDistanceOrReply).</summary>
    private static bool TryParseRadius(ref CommandContext ctx, int at, ref GeoShape shape)
    {
        if (!SortedSets.ScoreParser.TryParseScore(ctx.Args[at], out double radius))
        {
            ctx.Writer.WriteError(GeoErrors.NeedNumericRadius);
            return false;
        }
        if (radius < 0)
        {
            ctx.Writer.WriteError(GeoErrors.NegativeRadius);
            return false;
        }
        shape.Radius = radius;
        return GeoCommands.TryParseUnit(ref ctx, ctx.Args[at + 1], out shape.Conversion);
    }

    /// <summary>width height unit at <paramref name="at"/> (extractBoxOrReply).</summary>
    private static bool TryParseBox(ref CommandContext ctx, int at, ref GeoShape shape)
    {
        if (!SortedSets.ScoreParser.TryParseScore(ctx.Args[at], out double width))
        {
            ctx.Writer.WriteError(GeoErrors.NeedNumericWidth);
            return false;
        }
        if (!SortedSets.ScoreParser.TryParseScore(ctx.Args[at + 1], out double height))
        {
            ctx.Writer.WriteError(GeoErrors.NeedNumericHeight);
            return false;
        }
        if (height < 0 || width < 0)
        {
            ctx.Writer.WriteError(GeoErrors.NegativeBox);
            return false;
        }
        shape.Width = width;
        shape.Height = height;
        return GeoCommands.TryParseUnit(ref ctx, ctx.Args[at + 2], out shape.Conversion);
    }
}
