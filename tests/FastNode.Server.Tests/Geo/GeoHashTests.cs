using System.Globalization;
using System.Text;
using FastNode.Server.Commands.Geo;

namespace FastNode.Server.Tests.Geo;

/// <summary>The geohash and distance math, checked against values redis-server 7.0.15 printed for the same input.</summary>
public sealed class GeoHashTests
{
    [TestCase(13.361389, 38.115556, 3479099956230698UL)]
    [TestCase(15.087269, 37.502669, 3479447370796909UL)]
    public void ScoreIsRedisInterleavedFiftyTwoBitHash(double longitude, double latitude, ulong expected)
    {
        Assert.That(GeoHash.Score(longitude, latitude), Is.EqualTo(expected));
    }

    [Test]
    public void DecodingGivesTheCellCenterRedisPrints()
    {
        GeoHash.DecodeScore(3479099956230698, out double longitude, out double latitude);
        Assert.That(Coordinate(longitude), Is.EqualTo("13.36138933897018433"));
        Assert.That(Coordinate(latitude), Is.EqualTo("38.11555639549629859"));
    }

    [TestCase(3479099956230698.0, "sqc8b49rny0")]
    [TestCase(3479447370796909.0, "sqdtr74hyu0")]
    public void StandardGeohashHasElevenCharacters(double score, string expected)
    {
        Span<byte> text = stackalloc byte[11];
        GeoHash.WriteStandard(score, text);
        Assert.That(Encoding.ASCII.GetString(text), Is.EqualTo(expected));
    }

    [Test]
    public void EncodeThenDecodeStaysInsideTheCell()
    {
        var random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            double longitude = random.NextDouble() * 360 - 180;
            double latitude = random.NextDouble() * 170 - 85;
            GeoHash.DecodeScore(GeoHash.Score(longitude, latitude), out double decodedLon, out double decodedLat);
            // A 26-step cell is 360/2^26 degrees wide and 170.1/2^26 high: the center is within half of that.
            Assert.That(Math.Abs(decodedLon - longitude), Is.LessThanOrEqualTo(360.0 / (1 << 26)));
            Assert.That(Math.Abs(decodedLat - latitude), Is.LessThanOrEqualTo(170.2 / (1 << 26)));
        }
    }

    [Test]
    public void InterleaveAndDeinterleaveAreInverse()
    {
        var random = new Random(3);
        for (int i = 0; i < 1000; i++)
        {
            uint even = (uint)random.Next(), odd = (uint)random.Next();
            ulong separated = GeoHash.Deinterleave(GeoHash.Interleave(even, odd));
            Assert.That((uint)separated, Is.EqualTo(even));
            Assert.That((uint)(separated >> 32), Is.EqualTo(odd));
        }
        Assert.That(GeoHash.Interleave(1, 0), Is.EqualTo(1UL));
        Assert.That(GeoHash.Interleave(0, 1), Is.EqualTo(2UL));
    }

    [Test]
    public void NeighboursAreAdjacentCells()
    {
        GeoHash.TryEncode(10, 20, 10, out ulong hash);
        var center = GeoHash.Decode(hash, 10);
        var around = GeoHash.Neighbors(hash, 10);
        var east = GeoHash.Decode(around.East, 10);
        var north = GeoHash.Decode(around.North, 10);
        var southWest = GeoHash.Decode(around.SouthWest, 10);
        Assert.That(east.LonMin, Is.EqualTo(center.LonMax).Within(1e-9));
        Assert.That(east.LatMin, Is.EqualTo(center.LatMin));
        Assert.That(north.LatMin, Is.EqualTo(center.LatMax).Within(1e-9));
        Assert.That(southWest.LonMax, Is.EqualTo(center.LonMin).Within(1e-9));
        Assert.That(southWest.LatMax, Is.EqualTo(center.LatMin).Within(1e-9));
        Assert.That(GeoHash.Neighbors(around.East, 10).West, Is.EqualTo(hash));
    }

    [Test]
    public void OutOfRangeCoordinatesDoNotEncode()
    {
        Assert.That(GeoHash.TryEncode(180.0001, 0, 26, out _), Is.False);
        Assert.That(GeoHash.TryEncode(0, 85.06, 26, out _), Is.False);
        Assert.That(GeoHash.TryEncode(-180, -85.05112878, 26, out ulong corner), Is.True);
        Assert.That(corner, Is.EqualTo(0UL));
    }

    [Test]
    public void ScoresCastToUnsignedAsX64CDoes()
    {
        Assert.That(GeoHash.CastToUInt64(5.9), Is.EqualTo(5UL));
        Assert.That(GeoHash.CastToUInt64(-5.0), Is.EqualTo(unchecked((ulong)-5L)));
        Assert.That(GeoHash.CastToUInt64(1e300), Is.EqualTo(0UL));
        Assert.That(GeoHash.CastToUInt64(double.NegativeInfinity), Is.EqualTo(0x8000000000000000UL));
        Assert.That(GeoHash.CastToUInt64(9223372036854775808.0 + 4096), Is.EqualTo(0x8000000000001000UL));
    }

    [Test]
    public void HaversineDistanceMatchesRedis()
    {
        GeoHash.DecodeScore(3479099956230698, out double lon1, out double lat1);
        GeoHash.DecodeScore(3479447370796909, out double lon2, out double lat2);
        double meters = GeoDistance.Meters(lon1, lat1, lon2, lat2);
        Assert.That(meters.ToString("F4", CultureInfo.InvariantCulture), Is.EqualTo("166274.1516"));
        Assert.That(GeoDistance.Meters(lon2, lat2, lon1, lat1), Is.EqualTo(meters));
        Assert.That(GeoDistance.Meters(lon1, lat1, lon1, lat1), Is.EqualTo(0));
        // Half the circumference of Redis's sphere between antipodes on the equator.
        Assert.That(GeoDistance.Meters(0, 0, 180, 0), Is.EqualTo(Math.PI * GeoDistance.EarthRadiusMeters).Within(1e-6));
    }

    // 1000 m doubles 15 times to pass 20037726.37 (step 16), minus 2; minus 1 more beyond 66 degrees, 2 beyond 80.
    [TestCase(0, 0, 26)]
    [TestCase(1000, 0, 14)]
    [TestCase(1000, 70, 13)]
    [TestCase(1000, -85, 12)]
    [TestCase(5_000_000, 0, 2)]
    [TestCase(50_000_000, 0, 1)]
    public void StepEstimateFollowsRedis(double meters, double latitude, int expected)
    {
        Assert.That(GeoDistance.EstimateSteps(meters, latitude), Is.EqualTo(expected));
    }

    private static string Coordinate(double degrees)
    {
        var text = degrees.ToString("F17", CultureInfo.InvariantCulture).TrimEnd('0');
        return text.EndsWith('.') ? text[..^1] : text;
    }
}
