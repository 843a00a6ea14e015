namespace FastNode.Server.Commands.Geo;

/// <summary>
/// Redis's geohash (geohash.c semantics, written afresh): a longitude/latitude pair becomes two fixed-point offsets of
/// <c>step</c> bits each, interleaved (latitude bits in the even positions, longitude bits in the odd ones). Geo sets
/// store the 26-step hash left-aligned to 52 bits as the member's score, so ZRANGE WITHSCORES shows what Redis shows.
/// Latitudes are limited to ±85.05112878 (the Web Mercator square), as in Redis. Every computation follows Redis's
/// own arithmetic step by step, so decoded coordinates and distances are bit-identical to its replies.
/// </summary>
public static class GeoHash
{
    public const double LongitudeMin = -180;
    public const double LongitudeMax = 180;
    public const double LatitudeMin = -85.05112878;
    public const double LatitudeMax = 85.05112878;

    /// <summary>Bits per coordinate of a stored score (GEO_STEP_MAX).</summary>
    public const int MaxStep = 26;

    /// <summary>True when Redis accepts the pair (GEOADD, FROMLONLAT, GEORADIUS's center).</summary>
    public static bool IsValid(double longitude, double latitude) =>
        !(longitude < LongitudeMin || longitude > LongitudeMax || latitude < LatitudeMin || latitude > LatitudeMax);

    /// <summary>
    /// The hash of a point at <paramref name="step"/> bits per coordinate over the given ranges (geohashEncode), or
    /// false outside the geo limits or the ranges.
    /// </summary>
    public static bool TryEncode(double longitude, double latitude, int step, out ulong bits,
        double lonMin = LongitudeMin, double lonMax = LongitudeMax, double latMin = LatitudeMin, double latMax = LatitudeMax)
    {
        bits = 0;
        if (!IsValid(longitude, latitude)) return false;
        if (latitude < latMin || latitude > latMax || longitude < lonMin || longitude > lonMax) return false;
        double latOffset = (latitude - latMin) / (latMax - latMin);
        double lonOffset = (longitude - lonMin) / (lonMax - lonMin);
        latOffset *= (double)(1UL << step);
        lonOffset *= (double)(1UL << step);
        // C converts to uint32_t through a 64-bit truncation; the offsets are within [0, 2^step].
        bits = Interleave((uint)(long)latOffset, (uint)(long)lonOffset);
        return true;
    }

    /// <summary>The stored score of a valid point: its 26-step hash aligned to 52 bits (what GEOADD gives ZADD).</summary>
    public static ulong Score(double longitude, double latitude)
    {
        TryEncode(longitude, latitude, MaxStep, out ulong bits);
        return Align52(bits, MaxStep);
    }

    public static ulong Align52(ulong bits, int step) => bits << (52 - step * 2);

    /// <summary>The cell of a hash: its longitude and latitude bounds (geohashDecode).</summary>
    public static GeoArea Decode(ulong bits, int step,
        double lonMin = LongitudeMin, double lonMax = LongitudeMax, double latMin = LatitudeMin, double latMax = LatitudeMax)
    {
        ulong separated = Deinterleave(bits);
        double latScale = latMax - latMin;
        double lonScale = lonMax - lonMin;
        uint lat = (uint)separated;
        uint lon = (uint)(separated >> 32);
        double cells = (double)(1UL << step);
        return new GeoArea(
            lonMin + (lon * 1.0 / cells) * lonScale,
            lonMin + ((uint)(lon + 1) * 1.0 / cells) * lonScale,
            latMin + (lat * 1.0 / cells) * latScale,
            latMin + ((uint)(lat + 1) * 1.0 / cells) * latScale);
    }

    /// <summary>
    /// The point a stored score stands for: the center of its 26-step cell, clamped to the geo limits
    /// (decodeGeohash). Any score decodes, as in Redis: it is first cast to an unsigned 64-bit integer as x86-64 C does.
    /// </summary>
    public static void DecodeScore(double score, out double longitude, out double latitude)
    {
        var area = Decode(CastToUInt64(score), MaxStep);
        longitude = (area.LonMin + area.LonMax) / 2;
        if (longitude > LongitudeMax) longitude = LongitudeMax;
        if (longitude < LongitudeMin) longitude = LongitudeMin;
        latitude = (area.LatMin + area.LatMax) / 2;
        if (latitude > LatitudeMax) latitude = LatitudeMax;
        if (latitude < LatitudeMin) latitude = LatitudeMin;
    }

    /// <summary>
    /// <c>(uint64_t)d</c> as gcc compiles it on x86-64 (cvttsd2si, with the 2^63 adjustment for large values): .NET
    /// saturates instead, which would decode scores that are no geo hash (negative, huge) differently from Redis.
    /// </summary>
    public static ulong CastToUInt64(double d)
    {
        const double TwoTo63 = 9223372036854775808.0;
        const ulong Indefinite = 0x8000000000000000UL;
        if (d < TwoTo63) return d >= -TwoTo63 ? (ulong)(long)d : Indefinite;
        double high = d - TwoTo63;
        return (high < TwoTo63 ? (ulong)(long)high : Indefinite) ^ Indefinite;
    }

    /// <summary>The 11-character standard geohash GEOHASH prints (latitude range ±90, the 11th character always '0').</summary>
    public static void WriteStandard(double score, Span<byte> destination)
    {
        DecodeScore(score, out double longitude, out double latitude);
        TryEncode(longitude, latitude, MaxStep, out ulong bits, -180, 180, -90, 90);
        ReadOnlySpan<byte> alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"u8;
        for (int i = 0; i < 10; i++) destination[i] = alphabet[(int)((bits >> (52 - (i + 1) * 5)) & 0x1f)];
        destination[10] = (byte)'0';
    }

    /// <summary>The 8 cells around a hash (geohashNeighbors): east/west move the longitude bits, north/south the latitude bits.</summary>
    public static GeoNeighbors Neighbors(ulong bits, int step) => new()
    {
        North = MoveY(bits, step, 1),
        South = MoveY(bits, step, -1),
        East = MoveX(bits, step, 1),
        West = MoveX(bits, step, -1),
        NorthEast = MoveY(MoveX(bits, step, 1), step, 1),
        NorthWest = MoveY(MoveX(bits, step, -1), step, 1),
        SouthEast = MoveY(MoveX(bits, step, 1), step, -1),
        SouthWest = MoveY(MoveX(bits, step, -1), step, -1),
    };

    private static ulong MoveX(ulong bits, int step, int direction)
    {
        ulong x = bits & 0xaaaaaaaaaaaaaaaaUL;
        ulong y = bits & 0x5555555555555555UL;
        ulong zz = 0x5555555555555555UL >> (64 - step * 2);
        x = direction > 0 ? x + (zz + 1) : (x | zz) - (zz + 1);
        x &= 0xaaaaaaaaaaaaaaaaUL >> (64 - step * 2);
        return x | y;
    }

    private static ulong MoveY(ulong bits, int step, int direction)
    {
        ulong x = bits & 0xaaaaaaaaaaaaaaaaUL;
        ulong y = bits & 0x5555555555555555UL;
        ulong zz = 0xaaaaaaaaaaaaaaaaUL >> (64 - step * 2);
        y = direction > 0 ? y + (zz + 1) : (y | zz) - (zz + 1);
        y &= 0x5555555555555555UL >> (64 - step * 2);
        return x | y;
    }

    /// <summary>Spreads the 32 bits of <paramref name="even"/> to the even positions and those of <paramref name="odd"/> to the odd ones.</summary>
    public static ulong Interleave(uint even, uint odd) => Spread(even) | (Spread(odd) << 1);

    /// <summary>Inverse of <see cref="Interleave"/>: the even bits in the low word, the odd bits in the high word.</summary>
    public static ulong Deinterleave(ulong bits) => Compact(bits) | ((ulong)Compact(bits >> 1) << 32);

    private static ulong Spread(uint value)
    {
        ulong x = value;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x << 2)) & 0x3333333333333333UL;
        x = (x | (x << 1)) & 0x5555555555555555UL;
        return x;
    }

    private static uint Compact(ulong value)
    {
        ulong x = value & 0x5555555555555555UL;
        x = (x | (x >> 1)) & 0x3333333333333333UL;
        x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x >> 4)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x >> 8)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x >> 16)) & 0x00000000FFFFFFFFUL;
        return (uint)x;
    }
}

/// <summary>A geohash cell's bounds in degrees.</summary>
public readonly record struct GeoArea(double LonMin, double LonMax, double LatMin, double LatMax);

/// <summary>The 8 cells around a geohash cell, as hashes of the same step.</summary>
public struct GeoNeighbors
{
    public ulong North, South, East, West, NorthEast, NorthWest, SouthEast, SouthWest;
}
