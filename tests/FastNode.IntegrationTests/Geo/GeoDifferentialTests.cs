using System.Globalization;

namespace FastNode.IntegrationTests.Geo;

/// <summary>
/// Geo commands against redis-server 7.0, reply bytes compared: seeded random geo sets (small ones stay listpack-sized,
/// large ones are skip lists in both servers; clusters of nearby points and exact duplicates make ties in distance),
/// then GEOADD's replies, ZRANGE WITHSCORES (the stored 52-bit geohashes), GEOPOS, GEOHASH and GEODIST, and random
/// GEOSEARCH / GEORADIUS / GEORADIUSBYMEMBER (and _RO) / GEOSEARCHSTORE calls with every option combination, under
/// RESP2 and RESP3. Bounded: a fixed number of sets and queries per seed.
/// </summary>
public sealed class GeoDifferentialTests : DifferentialPairTestBase
{
    private static readonly string[] Units = ["m", "km", "ft", "mi", "KM"];
    private static readonly double[] UnitMeters = [1, 1000, 0.3048, 1609.34, 1000];
    [TestCase(1, 2, 20)]
    [TestCase(2, 2, 300)]
    [TestCase(3, 3, 60)]
    [TestCase(4, 3, 1000)]
    [TestCase(5, 2, 128)]
    [TestCase(6, 3, 129)]
    [TestCase(7, 2, 2000)]
    [TestCase(8, 2, 5)]
    public void RandomSetsMatchRedis(int seed, int protocol, int members)
    {
        if (protocol == 3) Pair.Both("HELLO", "3");
        var random = new Random(seed);
        var points = AddRandomSet(random, "g", members);
        Pair.Same("ZRANGE", "g", "0", "-1", "WITHSCORES");
        CompareReads(random, "g", points);
        for (int q = 0; q < 60; q++) CompareSearch(random, "g", points);
        if (protocol == 3) Pair.Both("HELLO", "2");
    }

    [Test]
    public void PointsAtTheEdgesOfTheMapMatchRedis()
    {
        string[] coordinates =
        [
            "180", "85.05112878", "-180", "-85.05112878", "180", "-85.05112878", "-180", "85.05112878", "0", "0",
            "-0", "-0", "179.9999999", "0.0000001", "-179.9999999", "-0.0000001", "0.000000000000000001", "1e-300",
            "90", "66.5", "-90", "-80.5", "123.456789012345678901234567890", "45.000000000000000000001",
        ];
        for (int i = 0; i < coordinates.Length; i += 2) Pair.Same("GEOADD", "edge", coordinates[i], coordinates[i + 1], $"p{i / 2}");
        Pair.Same("ZRANGE", "edge", "0", "-1", "WITHSCORES");
        var members = Enumerable.Range(0, coordinates.Length / 2).Select(i => $"p{i}").ToArray();
        Pair.Same(["GEOPOS", "edge", .. members]);
        Pair.Same(["GEOHASH", "edge", .. members]);
        foreach (var member in members)
        {
            Pair.Same("GEOSEARCH", "edge", "FROMMEMBER", member, "BYRADIUS", "3000", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC");
            Pair.Same("GEOSEARCH", "edge", "FROMMEMBER", member, "BYBOX", "20000", "5000", "km", "WITHDIST", "DESC");
            Pair.Same("GEORADIUSBYMEMBER", "edge", member, "25000", "km", "WITHDIST", "COUNT", "3");
            Pair.Same("GEODIST", "edge", member, "p0", "km");
        }
        // Scores that are no geohash (ZADD'ed by hand) still decode, as Redis decodes them.
        Pair.Same("ZADD", "edge", "-5", "neg", "1e300", "huge", "4503599627370496", "big", "0.5", "half");
        Pair.Same("GEOPOS", "edge", "neg", "huge", "big", "half");
        Pair.Same("GEOHASH", "edge", "neg", "huge", "big", "half");
        Pair.Same("GEOSEARCH", "edge", "FROMLONLAT", "0", "0", "BYRADIUS", "30000", "km", "WITHHASH", "WITHCOORD");
    }

    [Test]
    public void ErrorsMatchRedis()
    {
        Pair.Same("GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        Pair.Same("SET", "str", "x");
        string[][] errors =
        [
            ["GEOADD", "g", "200", "10", "x"], ["GEOADD", "g", "10", "86", "x"], ["GEOADD", "g", "1e300", "10", "x"],
            ["GEOADD", "g", "inf", "0", "x"], ["GEOADD", "g", "-inf", "nan", "x"], ["GEOADD", "g", "x", "1", "m"],
            ["GEOADD", "g", " 1", "1", "m"], ["GEOADD", "g", "1", "2", "m", "3"], ["GEOADD", "g", "NX", "XX", "1", "2", "m"],
            ["GEOADD", "g", "ch", "ch", "ch"], ["GEOADD", "g", "GT", "1", "2", "m"], ["GEOADD", "g", "1", "2"],
            ["GEOADD", "str", "1", "2", "m"], ["GEOADD", "g", "1", "2", "a", "500", "2", "b"], ["ZCARD", "g"],
            ["GEODIST", "g", "Palermo", "Catania", "cm"], ["GEODIST", "g", "Palermo", "Catania", "km", "x"],
            ["GEODIST", "nokey", "a", "b"], ["GEODIST", "g", "Palermo", "nobody"], ["GEODIST", "str", "a", "b"],
            ["GEODIST", "g", "Palermo", "Catania", "MI"], ["GEOPOS", "str", "a"], ["GEOHASH", "str", "a"],
            ["GEOPOS", "nokey", "a", "b"], ["GEOHASH", "nokey", "a"], ["GEOHASH", "g"], ["GEOPOS", "g"],
            ["GEOSEARCH", "str", "FROMMEMBER", "a", "BYRADIUS", "x", "km"],
            ["GEOSEARCH", "g", "FROMMEMBER", "nobody", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", "g", "BYRADIUS", "1", "km"], ["GEOSEARCH", "g", "FROMMEMBER", "Palermo"],
            ["geosearch", "g", "FROMMEMBER", "Palermo", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", "g", "FROMLONLAT", "1", "2", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", "g", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"],
            ["GEOSEARCH", "g", "FROMLONLAT", "1", "2", "BYBOX", "1", "1", "km", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", "g", "FROMLONLAT", "1", "200", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", "g", "FROMLONLAT", "x", "2", "BYRADIUS", "1", "km"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "-1", "km"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "x", "km"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "parsec"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYBOX", "x", "y", "km"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYBOX", "1", "y", "km"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYBOX", "1", "-1", "km"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "COUNT", "0"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "COUNT", "x"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "COUNT"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "ANY"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STOREDIST"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STORE", "d"],
            ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "BOGUS"],
            ["GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"],
            ["GEOSEARCHSTORE", "d", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "WITHDIST"],
            ["GEOSEARCHSTORE", "d", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STORE", "x"],
            ["GEOSEARCHSTORE", "d", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"],
            ["GEOSEARCHSTORE", "d", "str", "FROMMEMBER", "x", "BYRADIUS", "1", "km"],
            ["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "d", "WITHDIST"],
            ["GEORADIUS", "g", "15", "37", "200", "km", "STORE"], ["GEORADIUS", "g", "15", "37", "-2", "km"],
            ["GEORADIUS", "g", "15", "100", "200", "km"], ["GEORADIUS", "g", "15", "37", "200", "lightyears"],
            ["GEORADIUS_RO", "g", "15", "37", "200", "km", "STORE", "d"],
            ["GEORADIUSBYMEMBER_RO", "g", "Palermo", "200", "km", "STOREDIST", "d"],
            ["GEORADIUSBYMEMBER", "g", "nobody", "200", "km"], ["GEORADIUSBYMEMBER", "nokey", "x", "abc", "km"],
            ["GEORADIUSBYMEMBER", "nokey", "x", "1", "km", "STORE", "d"],
            ["GEORADIUSBYMEMBER", "g", "Palermo", "200", "km", "FROMLONLAT", "1", "2"],
            ["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "1", "ANY", "STORE", "d"], ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
            ["GEORADIUS", "g", "15", "37", "1", "m", "STORE", "d"], ["EXISTS", "d"],
            ["GEOADD", "g"], ["GEODIST", "g", "a"], ["GEORADIUS", "g", "1", "2", "3"], ["GEOSEARCH", "g", "FROMMEMBER", "a", "BYRADIUS", "1"],
            ["GEOSEARCHSTORE", "d", "g", "FROMMEMBER", "a", "BYRADIUS", "1"],
        ];
        foreach (var command in errors) Pair.Same(command);
    }

    [Test]
    public void StoreOverwritesAnyTypeDropsTheTtlAndDeletesOnEmptyResults()
    {
        Pair.Same("GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "2.35", "48.85", "Paris");
        Pair.Same("SET", "d", "string", "EX", "100");
        Pair.Same("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "300", "km", "STOREDIST");
        Pair.Same("TYPE", "d");
        Pair.Same("TTL", "d");
        Pair.Same("ZRANGE", "d", "0", "-1", "WITHSCORES");
        Pair.Same("GEORADIUS", "g", "15", "37", "2000", "km", "STOREDIST", "d", "STORE", "d2", "COUNT", "2", "DESC");
        Pair.Same("ZRANGE", "d2", "0", "-1", "WITHSCORES");
        Pair.Same("GEOSEARCHSTORE", "g", "g", "FROMMEMBER", "Paris", "BYRADIUS", "10", "km");
        Pair.Same("ZRANGE", "g", "0", "-1", "WITHSCORES");
        Pair.Same("GEOSEARCHSTORE", "d2", "g", "FROMLONLAT", "-100", "0", "BYRADIUS", "1", "m");
        Pair.Same("EXISTS", "d2");
        Pair.Same("GEOADD", "g", "XX", "CH", "2.36", "48.86", "Paris", "1", "1", "Nowhere");
        Pair.Same("GEOADD", "g", "NX", "CH", "2.37", "48.87", "Paris", "1", "1", "Somewhere");
        Pair.Same("ZRANGE", "g", "0", "-1", "WITHSCORES");
        Pair.Same("GEOADD", "fresh", "XX", "1", "1", "a");
        Pair.Same("EXISTS", "fresh");
    }

    /// <summary>Adds <paramref name="count"/> members in clusters (with exact duplicates) and over the whole map.</summary>
    private List<(string Member, string Lon, string Lat)> AddRandomSet(Random random, string key, int count)
    {
        var points = new List<(string, string, string)>();
        var clusters = Enumerable.Range(0, 4).Select(_ => (Lon: random.NextDouble() * 350 - 175, Lat: random.NextDouble() * 160 - 80)).ToArray();
        for (int i = 0; i < count; i++)
        {
            double lon, lat;
            int kind = random.Next(10);
            if (kind < 6)
            {
                var c = clusters[random.Next(clusters.Length)];
                lon = Math.Clamp(c.Lon + (random.NextDouble() - 0.5) * 4, -180, 180);
                lat = Math.Clamp(c.Lat + (random.NextDouble() - 0.5) * 4, -85, 85);
            }
            else if (kind < 8 && points.Count > 0)
            {
                var same = points[random.Next(points.Count)];
                points.Add(($"m{i}", same.Item2, same.Item3));
                continue;
            }
            else
            {
                lon = random.NextDouble() * 360 - 180;
                lat = random.NextDouble() * 170.1 - 85.05;
            }
            points.Add(($"m{i}", Text(lon), Text(lat)));
        }
        for (int i = 0; i < points.Count;)
        {
            int batch = Math.Min(points.Count - i, 1 + random.Next(12));
            var command = new List<string> { "GEOADD", key };
            int option = random.Next(8);
            if (option == 0) command.Add("CH");
            else if (option == 1) command.AddRange(["NX", "CH"]);
            for (int j = i; j < i + batch; j++) command.AddRange([points[j].Item2, points[j].Item3, points[j].Item1]);
            Pair.Same([.. command]);
            i += batch;
        }
        return points;
    }

    private void CompareReads(Random random, string key, List<(string Member, string Lon, string Lat)> points)
    {
        for (int i = 0; i < points.Count; i += 25)
        {
            var batch = points.Skip(i).Take(25).Select(p => p.Member).Append("missing").ToArray();
            Pair.Same(["GEOPOS", key, .. batch]);
            Pair.Same(["GEOHASH", key, .. batch]);
        }
        for (int i = 0; i < 40; i++)
        {
            var a = points[random.Next(points.Count)].Member;
            var b = points[random.Next(points.Count)].Member;
            if (random.Next(3) == 0) Pair.Same("GEODIST", key, a, b);
            else Pair.Same("GEODIST", key, a, b, Units[random.Next(Units.Length)]);
        }
    }

    private void CompareSearch(Random random, string key, List<(string Member, string Lon, string Lat)> points)
    {
        var center = points[random.Next(points.Count)];
        bool fromMember = random.Next(2) == 0;
        string lon = fromMember ? center.Lon : Text(Math.Clamp(double.Parse(center.Lon, CultureInfo.InvariantCulture) + random.NextDouble() - 0.5, -180, 180));
        string lat = fromMember ? center.Lat : Text(Math.Clamp(double.Parse(center.Lat, CultureInfo.InvariantCulture) + random.NextDouble() - 0.5, -85, 85));
        int unit = random.Next(Units.Length);
        // Sizes from 100 m to 5000 km, in the unit.
        double meters = Math.Pow(10, 2 + random.NextDouble() * 4.7);
        string size = Text(meters / UnitMeters[unit]);
        string height = Text(meters * (0.2 + random.NextDouble() * 2) / UnitMeters[unit]);
        bool box = random.Next(3) == 0;

        var options = new List<string>();
        int sort = random.Next(3);
        if (sort == 1) options.Add("ASC");
        if (sort == 2) options.Add("DESC");
        int count = random.Next(4);
        if (count > 0) options.AddRange(["COUNT", (1 + random.Next(count == 3 ? 200 : 8)).ToString(CultureInfo.InvariantCulture)]);
        if (count == 2) options.Add("ANY");
        var withs = new List<string>();
        if (random.Next(2) == 0) withs.Add("WITHDIST");
        if (random.Next(2) == 0) withs.Add("WITHCOORD");
        if (random.Next(3) == 0) withs.Add("WITHHASH");
        Shuffle(random, options);

        var from = fromMember ? new[] { "FROMMEMBER", center.Member } : new[] { "FROMLONLAT", lon, lat };
        var by = box ? new[] { "BYBOX", size, height, Units[unit] } : new[] { "BYRADIUS", size, Units[unit] };
        Pair.Same(["GEOSEARCH", key, .. from, .. by, .. options, .. withs]);
        if (!box)
        {
            string[] legacy = fromMember
                ? [random.Next(2) == 0 ? "GEORADIUSBYMEMBER" : "GEORADIUSBYMEMBER_RO", key, center.Member, size, Units[unit]]
                : [random.Next(2) == 0 ? "GEORADIUS" : "GEORADIUS_RO", key, lon, lat, size, Units[unit]];
            Pair.Same([.. legacy, .. withs, .. options]);
            if (random.Next(3) == 0 && !legacy[0].EndsWith("_RO"))
            {
                Pair.Same([.. legacy, .. options, random.Next(2) == 0 ? "STORE" : "STOREDIST", "dst"]);
                Pair.Same("ZRANGE", "dst", "0", "-1", "WITHSCORES");
            }
        }
        if (random.Next(3) == 0)
        {
            var store = random.Next(2) == 0 ? new[] { "STOREDIST" } : Array.Empty<string>();
            Pair.Same(["GEOSEARCHSTORE", "dst", key, .. from, .. by, .. options, .. store]);
            Pair.Same("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        }
    }

    private static void Shuffle(Random random, List<string> items)
    {
        // Keep COUNT's argument (and ANY) after COUNT: only swap whole option groups by rotating.
        if (items.Count > 0 && items[0] is "ASC" or "DESC" && random.Next(2) == 0)
        {
            var first = items[0];
            items.RemoveAt(0);
            items.Add(first);
        }
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
