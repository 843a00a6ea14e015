using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// Sorted sets over a real socket: StackExchange.Redis's sorted-set API end to end (its parsing of scores, pairs,
/// nils and errors), a concurrent leaderboard, and blocking pops through raw RESP.
/// </summary>
public sealed class SortedSetIntegrationTests
{
    [Test]
    public async Task AddRangeRankAndScore()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        Assert.That(db.SortedSetAdd("z", [new("a", 1), new("b", 2), new("c", 3), new("d", 1.1)]), Is.EqualTo(4));
        Assert.That(db.SortedSetAdd("z", "a", 10), Is.False);
        Assert.That(db.SortedSetAdd("z", "e", 5, SortedSetWhen.Exists), Is.False);
        Assert.That(db.SortedSetAdd("z", "a", 1, SortedSetWhen.GreaterThan), Is.False);
        Assert.That(db.SortedSetAdd("z", "a", 0.5, SortedSetWhen.LessThan), Is.False, "updated, not added");
        Assert.That(db.SortedSetScore("z", "a"), Is.EqualTo(0.5));
        Assert.That(db.SortedSetScore("z", "d"), Is.EqualTo(1.1), "%.17g text parses back to the same double");
        Assert.That(db.SortedSetScore("z", "nosuch"), Is.Null);
        Assert.That(db.SortedSetScores("z", ["a", "nosuch", "c"]), Is.EqualTo(new double?[] { 0.5, null, 3 }));
        Assert.That(db.SortedSetLength("z"), Is.EqualTo(4));
        Assert.That(db.SortedSetLength("z", 1, 2), Is.EqualTo(2));
        Assert.That(db.SortedSetLength("z", 1, 2, Exclude.Start), Is.EqualTo(2));
        Assert.That(db.SortedSetLength("z", 1.1, 3, Exclude.Both), Is.EqualTo(1));

        Assert.That(db.SortedSetRangeByRank("z").Select(v => (string?)v), Is.EqualTo(new[] { "a", "d", "b", "c" }));
        Assert.That(db.SortedSetRangeByRank("z", 0, 1, Order.Descending).Select(v => (string?)v), Is.EqualTo(new[] { "c", "b" }));
        var withScores = db.SortedSetRangeByRankWithScores("z", 1, 2);
        Assert.That(withScores.Select(e => ((string?)e.Element, e.Score)), Is.EqualTo(new[] { ("d", 1.1), ("b", 2.0) }));
        Assert.That(db.SortedSetRangeByScore("z", 1, 3, Exclude.Start).Select(v => (string?)v), Is.EqualTo(new[] { "d", "b", "c" }));
        Assert.That(db.SortedSetRangeByScore("z", order: Order.Descending, skip: 1, take: 2).Select(v => (string?)v), Is.EqualTo(new[] { "b", "d" }));
        var byScore = db.SortedSetRangeByScoreWithScores("z", double.NegativeInfinity, 1.5);
        Assert.That(byScore.Select(e => e.Score), Is.EqualTo(new[] { 0.5, 1.1 }));

        Assert.That(db.SortedSetRank("z", "b"), Is.EqualTo(2));
        Assert.That(db.SortedSetRank("z", "b", Order.Descending), Is.EqualTo(1));
        Assert.That(db.SortedSetRank("z", "nosuch"), Is.Null);
        Assert.That(db.SortedSetRemove("z", ["a", "nosuch"]), Is.EqualTo(1));
        Assert.That(await db.SortedSetRemoveAsync("z", "d"), Is.True);
        Assert.That(db.SortedSetRangeByRank("z").Select(v => (string?)v), Is.EqualTo(new[] { "b", "c" }));

        db.StringSet("s", "x");
        Assert.That(() => db.SortedSetAdd("s", "a", 1), Throws.TypeOf<RedisServerException>().With.Message.StartsWith("WRONGTYPE"));
    }

    [Test]
    public async Task IncrementDecrementAndInfinity()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        Assert.That(db.SortedSetIncrement("z", "a", 1.5), Is.EqualTo(1.5));
        Assert.That(db.SortedSetIncrement("z", "a", 0.1), Is.EqualTo(1.6));
        Assert.That(db.SortedSetDecrement("z", "a", 1.6), Is.EqualTo(0));
        Assert.That(db.SortedSetIncrement("z", "b", double.PositiveInfinity), Is.EqualTo(double.PositiveInfinity));
        Assert.That(() => db.SortedSetIncrement("z", "b", double.NegativeInfinity),
            Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR resulting score is not a number (NaN)"));
        Assert.That(db.SortedSetScore("z", "b"), Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public async Task LexRangesAndRangeRemovals()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.SortedSetAdd("lex", [new("a", 0), new("b", 0), new("c", 0), new("d", 0), new("e", 0)]);
        Assert.That(db.SortedSetRangeByValue("lex", "b", "d").Select(v => (string?)v), Is.EqualTo(new[] { "b", "c", "d" }));
        Assert.That(db.SortedSetRangeByValue("lex", "b", "d", Exclude.Both).Select(v => (string?)v), Is.EqualTo(new[] { "c" }));
        Assert.That(db.SortedSetRangeByValue("lex", "b", "z", order: Order.Descending, take: 2).Select(v => (string?)v), Is.EqualTo(new[] { "e", "d" }));
        // SE.Redis sends ZREVRANGEBYLEX lex - + for the default bounds, which Redis answers with nothing as well.
        Assert.That(db.SortedSetRangeByValue("lex", order: Order.Descending), Is.Empty);
        Assert.That(db.SortedSetLengthByValue("lex", "b", "z"), Is.EqualTo(4));
        Assert.That(db.SortedSetRemoveRangeByValue("lex", "a", "b"), Is.EqualTo(2));
        Assert.That(db.SortedSetRemoveRangeByRank("lex", -1, -1), Is.EqualTo(1));
        Assert.That(db.SortedSetRangeByRank("lex").Select(v => (string?)v), Is.EqualTo(new[] { "c", "d" }));

        db.SortedSetAdd("s", [new("a", 1), new("b", 2), new("c", 3)]);
        Assert.That(db.SortedSetRemoveRangeByScore("s", 1, 2, Exclude.Stop), Is.EqualTo(1));
        Assert.That(db.SortedSetRemoveRangeByScore("s", 0, 10), Is.EqualTo(2));
        Assert.That(db.KeyExists("s"), Is.False);
    }

    [Test]
    public async Task CombineAndStore()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.SortedSetAdd("x", [new("a", 1), new("b", 2), new("c", 3)]);
        db.SortedSetAdd("y", [new("b", 10), new("c", 20), new("d", 30)]);
        db.SetAdd("plain", ["c", "d", "e"]);

        var union = db.SortedSetCombineWithScores(SetOperation.Union, ["x", "y"], [2, 1]);
        Assert.That(union.Select(e => ((string?)e.Element, e.Score)), Is.EqualTo(new[] { ("a", 2.0), ("b", 14.0), ("c", 26.0), ("d", 30.0) }));
        var inter = db.SortedSetCombineWithScores(SetOperation.Intersect, ["x", "y"], aggregate: Aggregate.Max);
        Assert.That(inter.Select(e => ((string?)e.Element, e.Score)), Is.EqualTo(new[] { ("b", 10.0), ("c", 20.0) }));
        Assert.That(db.SortedSetCombine(SetOperation.Difference, ["x", "y"]).Select(v => (string?)v), Is.EqualTo(new[] { "a" }));
        var withSet = db.SortedSetCombineWithScores(SetOperation.Intersect, ["y", "plain"], aggregate: Aggregate.Sum);
        Assert.That(withSet.Select(e => ((string?)e.Element, e.Score)), Is.EqualTo(new[] { ("c", 21.0), ("d", 31.0) }), "a set member scores 1");
        Assert.That(db.SortedSetIntersectionLength(["x", "y", "plain"]), Is.EqualTo(1));
        Assert.That(db.SortedSetIntersectionLength(["x", "y"], limit: 1), Is.EqualTo(1));

        Assert.That(db.SortedSetCombineAndStore(SetOperation.Union, "u", "x", "y", Aggregate.Min), Is.EqualTo(4));
        Assert.That(db.SortedSetRangeByRankWithScores("u").Select(e => e.Score), Is.EqualTo(new[] { 1.0, 2.0, 3.0, 30.0 }));
        Assert.That(db.SortedSetCombineAndStore(SetOperation.Intersect, "u", ["x", "missing"]), Is.EqualTo(0));
        Assert.That(db.KeyExists("u"), Is.False);
        Assert.That(db.SortedSetCombineAndStore(SetOperation.Difference, "d", ["y", "x"]), Is.EqualTo(1));
        Assert.That(db.SortedSetRangeAndStore("x", "top", 0, 1, order: Order.Descending), Is.EqualTo(2));
        Assert.That(db.SortedSetRangeByRank("top").Select(v => (string?)v), Is.EqualTo(new[] { "b", "c" }));
    }

    [Test]
    public async Task PopAndRandomMembers()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.SortedSetAdd("z", [new("a", 1), new("b", 2), new("c", 3), new("d", 4), new("e", 5)]);
        var min = db.SortedSetPop("z");
        Assert.That(min.HasValue && min.Value.Element == "a" && min.Value.Score == 1, Is.True);
        var max = db.SortedSetPop("z", 2, Order.Descending);
        Assert.That(max.Select(e => ((string?)e.Element, e.Score)), Is.EqualTo(new[] { ("e", 5.0), ("d", 4.0) }));
        var multi = db.SortedSetPop(["missing", "z"], 5, Order.Ascending);
        Assert.That((string?)multi.Key, Is.EqualTo("z"));
        Assert.That(multi.Entries.Select(e => (string?)e.Element), Is.EqualTo(new[] { "b", "c" }));
        Assert.That(db.SortedSetPop("z").HasValue, Is.False);
        Assert.That(db.SortedSetPop(["z"], 1).IsNull, Is.True);
        Assert.That(db.KeyExists("z"), Is.False);

        db.SortedSetAdd("r", [new("a", 1), new("b", 2), new("c", 3)]);
        Assert.That((string?)db.SortedSetRandomMember("r"), Is.AnyOf("a", "b", "c"));
        Assert.That(db.SortedSetRandomMembers("r", 2).Select(v => (string?)v).ToList(), Is.Unique.And.Count.EqualTo(2));
        var repeated = db.SortedSetRandomMembersWithScores("r", -10);
        Assert.That(repeated, Has.Length.EqualTo(10));
        foreach (var entry in repeated) Assert.That(entry.Score, Is.EqualTo(entry.Element == "a" ? 1 : entry.Element == "b" ? 2 : 3));
        Assert.That(db.SortedSetRandomMember("missing").IsNull, Is.True);
    }

    [Test]
    public async Task ScanSmallAndLargeSets()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.SortedSetAdd("small", [new("alpha", 1.5), new("beta", 2), new("gamma", 3)]);
        var small = db.SortedSetScan("small", "*a").ToList();
        Assert.That(small.Select(e => ((string?)e.Element, e.Score)), Is.EquivalentTo(new[] { ("alpha", 1.5), ("beta", 2.0), ("gamma", 3.0) }));

        var entries = Enumerable.Range(0, 3000).Select(i => new SortedSetEntry($"member:{i}", i)).ToArray();
        Assert.That(db.SortedSetAdd("large", entries), Is.EqualTo(3000));
        var scanned = db.SortedSetScan("large", pageSize: 100).ToList();
        Assert.That(scanned.Select(e => (string?)e.Element).Distinct().Count(), Is.EqualTo(3000));
        foreach (var entry in scanned) Assert.That(entry.Score, Is.EqualTo(double.Parse(((string)entry.Element!).Substring(7))));
        Assert.That(db.SortedSetScan("large", "member:12?", pageSize: 500).Count(), Is.EqualTo(10));
    }

    /// <summary>A leaderboard: concurrent increments from many clients, then top-N, ranks and neighbourhoods checked against a local tally.</summary>
    [Test]
    public async Task LeaderboardUnderConcurrentIncrements()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        const int Players = 500, Rounds = 8, Workers = 8;
        var tally = new double[Players];
        var tasks = new List<Task>();
        for (int w = 0; w < Workers; w++)
        {
            int worker = w;
            tasks.Add(Task.Run(async () =>
            {
                var random = new Random(worker);
                var pending = new List<Task<double>>();
                for (int r = 0; r < Rounds; r++)
                {
                    for (int p = worker; p < Players; p += Workers)
                    {
                        int points = random.Next(1, 100);
                        tally[p] += points;   // each player belongs to exactly one worker
                        pending.Add(db.SortedSetIncrementAsync("board", $"player:{p}", points));
                    }
                }
                await Task.WhenAll(pending);
            }));
        }
        await Task.WhenAll(tasks);

        Assert.That(db.SortedSetLength("board"), Is.EqualTo(Players));
        var expected = Enumerable.Range(0, Players)
            .Select(p => (Name: $"player:{p}", Score: tally[p]))
            .OrderByDescending(e => e.Score).ThenByDescending(e => e.Name, StringComparer.Ordinal)
            .ToList();
        var top = db.SortedSetRangeByRankWithScores("board", 0, 9, Order.Descending);
        Assert.That(top.Select(e => ((string?)e.Element, e.Score)), Is.EqualTo(expected.Take(10).Select(e => (e.Name, e.Score))));
        for (int i = 0; i < Players; i += 37)
        {
            Assert.That(db.SortedSetRank("board", expected[i].Name, Order.Descending), Is.EqualTo(i), expected[i].Name);
            Assert.That(db.SortedSetScore("board", expected[i].Name), Is.EqualTo(expected[i].Score));
        }
        // Around-me: the two players ranked either side of one in the middle.
        long rank = db.SortedSetRank("board", expected[250].Name, Order.Descending)!.Value;
        var around = db.SortedSetRangeByRank("board", rank - 2, rank + 2, Order.Descending).Select(v => (string?)v);
        Assert.That(around, Is.EqualTo(expected.Skip(248).Take(5).Select(e => e.Name)));
        // Everyone above a threshold, highest first, paged.
        double threshold = expected[100].Score;
        long above = db.SortedSetLength("board", threshold, double.PositiveInfinity, Exclude.Start);
        Assert.That(above, Is.EqualTo(expected.Count(e => e.Score > threshold)));
        var page = db.SortedSetRangeByScore("board", threshold, double.PositiveInfinity, Exclude.None, Order.Descending, skip: 20, take: 10);
        Assert.That(page.Select(v => (string?)v), Is.EqualTo(expected.Where(e => e.Score >= threshold).Skip(20).Take(10).Select(e => e.Name)));
        Assert.That(db.KeyEncoding("board"), Is.EqualTo("skiplist"));
        // Season reset: keep the top 100.
        Assert.That(db.SortedSetRemoveRangeByRank("board", 0, -101), Is.EqualTo(Players - 100));
        Assert.That((string?)db.SortedSetRangeByRank("board", 0, 0, Order.Descending)[0], Is.EqualTo(expected[0].Name));
    }

    [Test]
    public async Task BlockingPopsOverRawSockets()
    {
        await using var server = TestServer.Start();
        using var waiter = server.ConnectRaw();
        using var other = server.ConnectRaw();
        waiter.Send(Resp.Command("BZPOPMAX", "q1", "q2", "5"));
        WaitForBlockedClients(other, 1);
        Assert.That(other.Call("ZADD", "q2", "1", "low", "2", "high"), Is.EqualTo(":2\r\n"));
        Assert.That(waiter.ReadReply(), Is.EqualTo("*3\r\n$2\r\nq2\r\n$4\r\nhigh\r\n$1\r\n2\r\n"));
        Assert.That(waiter.Call("BZMPOP", "1", "1", "q2", "MIN", "COUNT", "3"), Is.EqualTo("*2\r\n$2\r\nq2\r\n*1\r\n*2\r\n$3\r\nlow\r\n$1\r\n1\r\n"));
        Assert.That(waiter.Call("BZPOPMIN", "q2", "0.05"), Is.EqualTo("*-1\r\n"));
    }

    private static void WaitForBlockedClients(RawClient observer, int count)
    {
        for (int attempt = 0; attempt < 500; attempt++)
        {
            if (observer.Call("INFO", "clients").Contains($"blocked_clients:{count}\r\n")) return;
            Thread.Sleep(10);
        }
        Assert.Fail($"{count} clients never blocked");
    }
}
