using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests.Rdb;

/// <summary>Seeded random datasets (every type, random sizes straddling the encoding limits) survive SAVE + load exactly.</summary>
public sealed class RdbPropertyTests
{
    [Test]
    public async Task RandomDatasetsSurviveSaveAndLoad([Range(1, 25)] int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        int keys = random.Next(1, 60);
        for (int k = 0; k < keys; k++)
        {
            if (random.Next(4) == 0) await c.CallAsync("SELECT", random.Next(16).ToString(CultureInfo.InvariantCulture));
            string key = Value(random);
            if (key.Length == 0) key = "k";
            int count = random.Next(3) switch { 0 => random.Next(1, 5), 1 => random.Next(100, 140), _ => random.Next(1, 700) };
            var args = new List<string>();
            switch (random.Next(6))
            {
                case 0:
                    await c.CallAsync("SET", key, Value(random));
                    break;
                case 1:
                    args.AddRange(["RPUSH", key]);
                    for (int i = 0; i < count; i++) args.Add(Value(random));
                    break;
                case 2:
                    args.AddRange(["SADD", key]);
                    for (int i = 0; i < count; i++) args.Add(random.Next(2) == 0 ? random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture) : Value(random));
                    break;
                case 3:
                    args.AddRange(["HSET", key]);
                    for (int i = 0; i < count; i++) { args.Add(Value(random)); args.Add(Value(random)); }
                    break;
                case 4:
                    args.AddRange(["ZADD", key]);
                    for (int i = 0; i < count; i++) { args.Add(Score(random)); args.Add(Value(random)); }
                    break;
                default:
                    await c.CallAsync("SET", key, random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture));
                    break;
            }
            if (args.Count > 0)
            {
                await c.CallAsync("DEL", key);
                await c.CallAsync(args.ToArray());
            }
            if (random.Next(3) == 0) await c.CallAsync("PEXPIRE", key, random.Next(1, 100_000_000).ToString(CultureInfo.InvariantCulture));
        }
        var file = RdbTestData.Save(c.Server, new Persistence.Rdb.RdbSaveOptions { Compression = random.Next(2) == 0 });
        var loaded = InMemoryClient.NewServer(time: time);
        RdbTestData.Load(file, loaded);
        var expected = DatasetDescription.Of(c.Server);
        Assert.That(expected, Is.Not.Empty);
        Assert.That(DatasetDescription.Of(loaded), Is.EqualTo(expected));
    }

    /// <summary>Strings of every shape: empty, integers (canonical or not), short, around 64 bytes, long and repetitive.</summary>
    private static string Value(Random random) => random.Next(8) switch
    {
        0 => "",
        1 => random.Next(-5000, 5000).ToString(CultureInfo.InvariantCulture),
        2 => "0" + random.Next(100).ToString(CultureInfo.InvariantCulture),
        3 => new string((char)random.Next('a', 'z'), random.Next(60, 70)),
        4 => new string('x', random.Next(0, 3000)),
        _ => Guid.NewGuid().ToString("N")[..random.Next(1, 32)] + random.Next(),
    };

    private static string Score(Random random) => random.Next(5) switch
    {
        0 => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
        1 => "inf",
        2 => "-inf",
        _ => (random.NextDouble() * Math.Pow(10, random.Next(-20, 20))).ToString("R", CultureInfo.InvariantCulture),
    };
}
