using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// String values share slabs and freed chunks are reused at once, so a reader that copied a value after releasing the
/// shard lock, or a chunk freed twice, would show up as a torn or mixed value. Four clients on two event loops (and
/// the pipeline helper) write, read, delete and move the same few keys in pipelined bursts; every value says what it
/// must look like, and every one read back is checked.
/// </summary>
public sealed class StringSlabConcurrencyTests
{
    [Test]
    public async Task ValuesReadWhileOtherClientsRewriteDeleteAndMoveTheSameKeysAreNeverTorn()
    {
        await using var server = TestServer.Start(o => o.IoThreads = 2);
        string[] keys = Enumerable.Range(0, 16).Select(i => "slab:" + i).ToArray();
        int checkedValues = 0;

        async Task Client(int seed)
        {
            using var mux = server.ConnectMultiplexer();
            var db = mux.GetDatabase();
            var random = new Random(seed);
            for (int burst = 0; burst < 40; burst++)
            {
                var reads = new List<Task<RedisValue>>();
                var writes = new List<Task>();
                for (int n = 0; n < 64; n++)
                {
                    string key = keys[random.Next(keys.Length)], other = keys[random.Next(keys.Length)];
                    switch (random.Next(7))
                    {
                        case 0 or 1: writes.Add(db.StringSetAsync(key, MakeValue(random))); break;
                        case 2 or 3: reads.Add(db.StringGetAsync(key)); break;
                        case 4: reads.Add(db.StringGetDeleteAsync(key)); break;
                        // Either may fail by design (a missing key, or a key copied onto itself): only the values matter.
                        case 5: writes.Add(IgnoringErrors(db.KeyRenameAsync(key, other))); break;
                        case 6: writes.Add(IgnoringErrors(db.KeyCopyAsync(key, other, replace: true))); break;
                    }
                }
                await Task.WhenAll(writes);
                foreach (var read in reads)
                {
                    var value = await read;
                    if (value.IsNull) continue;
                    Assert.That(IsWhole(value!), Is.True, $"a torn value: {Describe(value!)}");
                    Interlocked.Increment(ref checkedValues);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(1, 4).Select(Client)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(checkedValues, Is.GreaterThan(1000), "enough values were read back to mean something");
    }

    private static Task IgnoringErrors(Task command) => command.ContinueWith(_ => { }, TaskScheduler.Default);

    /// <summary>"length:" then one letter repeated: sizes from a few bytes to past the largest chunk (16 KB).</summary>
    private static string MakeValue(Random random)
    {
        int length = random.Next(3) switch { 0 => random.Next(1, 64), 1 => random.Next(64, 2048), _ => random.Next(2048, 20_000) };
        return length + ":" + new string((char)('a' + random.Next(26)), length);
    }

    private static bool IsWhole(string value)
    {
        int colon = value.IndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(0, colon), out int length) || value.Length != colon + 1 + length) return false;
        char fill = value[colon + 1];
        return value.AsSpan(colon + 1).IndexOfAnyExcept(fill) < 0;
    }

    private static string Describe(string value) => value.Length <= 80 ? value : value[..40] + "..." + value[^40..] + $" ({value.Length} chars)";
}
