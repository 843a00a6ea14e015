using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastNode.Server.Config;
using FastNode.Server.Sessions;

namespace FastNode.IntegrationTests;

/// <summary>
/// The network layer over real loopback sockets: pipelining, byte-at-a-time requests, protocol errors that close
/// only their own connection, concurrency, maxclients, the idle timeout, clients that never read, shutdown with
/// replies in flight, and a 20 MB value, over both io-engines. Every wait is bounded.
/// </summary>
[TestFixture("epoll")]
[TestFixture("sockets")]
public sealed class NetworkTests(string engine)
{
    /// <summary>A server on this fixture's io-engine (the epoll loops or .NET Sockets): both must behave the same.</summary>
    private TestServer Start(Action<ServerOptions>? configure = null) => TestServer.Start(o =>
    {
        o.IoEngine = engine;
        configure?.Invoke(o);
    });

    [Test]
    public async Task TenThousandPipelinedCommandsInOneWriteAreAnsweredInOrder()
    {
        await using var server = Start();
        using var client = server.ConnectRaw();
        var request = new MemoryStream();
        for (int i = 0; i < 10_000; i++)
        {
            request.Write(i % 2 == 0 ? Resp.Command("INCR", "n") : Resp.Command("ECHO", "e" + i));
        }
        client.Send(request.ToArray());
        for (int i = 0; i < 10_000; i++)
        {
            string expected = i % 2 == 0 ? $":{i / 2 + 1}\r\n" : $"${("e" + i).Length}\r\ne{i}\r\n";
            Assert.That(client.ReadReply(), Is.EqualTo(expected), $"reply {i}");
        }
    }

    [Test]
    public async Task DeepPipelinesGoToTheHelperThreadOnlyWhileItIsOn()
    {
        await using var server = Start();
        using var client = server.ConnectRaw();
        Assert.That(client.Call("CONFIG", "GET", "pipeline-helper"), Is.EqualTo("*2\r\n$15\r\npipeline-helper\r\n$3\r\nyes\r\n"));

        long SendDeepBatch(int round)
        {
            var request = new MemoryStream();
            for (int i = 0; i < 200; i++) request.Write(Resp.Command("SET", "k" + i, round + ":" + i));
            for (int i = 0; i < 200; i++) request.Write(Resp.Command("GET", "k" + i));
            client.Send(request.ToArray());
            for (int i = 0; i < 200; i++) Assert.That(client.ReadReply(), Is.EqualTo("+OK\r\n"));
            for (int i = 0; i < 200; i++)
            {
                string value = round + ":" + i;
                Assert.That(client.ReadReply(), Is.EqualTo($"${value.Length}\r\n{value}\r\n"), $"round {round}, GET {i}");
            }
            var info = client.Call("INFO", "stats");
            var line = info.Split("\r\n").Single(l => l.StartsWith("io_threaded_reads_processed:", StringComparison.Ordinal));
            return long.Parse(line.AsSpan(line.IndexOf(':') + 1));
        }

        long handedOff = 0;
        for (int round = 0; round < 10; round++) handedOff = SendDeepBatch(round);
        Assert.That(handedOff, Is.GreaterThan(0), "deep batches were handed off");

        Assert.That(client.Call("CONFIG", "SET", "pipeline-helper", "no"), Is.EqualTo("+OK\r\n"));
        long before = handedOff;
        for (int round = 10; round < 20; round++) handedOff = SendDeepBatch(round);
        Assert.That(handedOff, Is.EqualTo(before), "no hand-off while the setting is off");
        Assert.That(client.Call("CONFIG", "SET", "pipeline-helper", "maybe"), Does.StartWith("-ERR CONFIG SET failed (possibly related to argument 'pipeline-helper')"));
    }

    [Test]
    public async Task BusyPollingCanBeSwitchedOffAndOnWhileClientsAreServed()
    {
        await using var server = Start();
        using var client = server.ConnectRaw();
        Assert.That(client.Call("CONFIG", "GET", "busy-poll-us"), Is.EqualTo("*2\r\n$12\r\nbusy-poll-us\r\n$2\r\n30\r\n"));
        try
        {
            foreach (var micros in new[] { "0", "500", "30" })
            {
                Assert.That(client.Call("CONFIG", "SET", "busy-poll-us", micros), Is.EqualTo("+OK\r\n"));
                for (int i = 0; i < 200; i++)
                {
                    Assert.That(client.Call("INCR", "polls:" + micros), Is.EqualTo($":{i + 1}\r\n"));
                }
            }
            Assert.That(client.Call("CONFIG", "SET", "busy-poll-us", "-1"), Does.StartWith("-ERR CONFIG SET failed (possibly related to argument 'busy-poll-us') - argument must be between 0 and 10000 inclusive"));
            Assert.That(client.Call("CONFIG", "SET", "busy-poll-us", "10001"), Does.StartWith("-ERR CONFIG SET failed (possibly related to argument 'busy-poll-us')"));
        }
        finally
        {
            client.Call("CONFIG", "SET", "busy-poll-us", "30");
        }
    }

    [Test]
    public async Task CommandSentOneByteAtATime()
    {
        await using var server = Start();
        using var client = server.ConnectRaw();
        var request = Resp.Command("SET", "k", "hello\r\nworld").Concat(Encoding.ASCII.GetBytes("GET k\r\n")).ToArray();
        foreach (byte b in request)
        {
            client.Send([b]);
            Thread.Sleep(1);
        }
        Assert.That(client.ReadReply(), Is.EqualTo("+OK\r\n"));
        Assert.That(client.ReadReply(), Is.EqualTo("$12\r\nhello\r\nworld\r\n"));
    }

    private static IEnumerable<TestCaseData> ProtocolErrors()
    {
        static TestCaseData Case(string name, string request, string reason) => new TestCaseData(request, reason).SetArgDisplayNames(name);
        yield return Case("invalid multibulk length", "*abc\r\n", "invalid multibulk length");
        yield return Case("multibulk over 1048576", "*1048577\r\n", "invalid multibulk length");
        yield return Case("invalid bulk length", "*1\r\n$-1\r\n", "invalid bulk length");
        yield return Case("bulk over proto-max-bulk-len", "*1\r\n$536870913\r\n", "invalid bulk length");
        yield return Case("expected $", "*2\r\n$3\r\nGET\r\n:1\r\n", "expected '$', got ':'");
        yield return Case("too big mbulk count string", "*" + new string('1', 70_000), "too big mbulk count string");
        yield return Case("too big bulk count string", "*1\r\n$" + new string('1', 70_000), "too big bulk count string");
        yield return Case("too big inline request", new string('x', 70_000), "too big inline request");
        yield return Case("unbalanced quotes", "SET k \"oops\r\n", "unbalanced quotes in request");
    }

    [TestCaseSource(nameof(ProtocolErrors))]
    public async Task ProtocolErrorClosesOnlyThatConnection(string request, string reason)
    {
        await using var server = Start();
        using var bystander = server.ConnectRaw();
        Assert.That(bystander.Call("SET", "kept", "safe"), Is.EqualTo("+OK\r\n"));
        bystander.Send(Resp.Command("INCR", "n"));    // in flight while the other client misbehaves

        using var bad = server.ConnectRaw();
        bad.Send("PING\r\n" + request);
        Assert.That(bad.ReadToEnd(), Is.EqualTo("+PONG\r\n-ERR Protocol error: " + reason + "\r\n"));

        Assert.That(bystander.ReadReply(), Is.EqualTo(":1\r\n"));
        Assert.That(bystander.Call("GET", "kept"), Is.EqualTo("$4\r\nsafe\r\n"));
        Assert.That(bystander.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task FiftyClientsIncrementingOneKeyCountEveryIncrement()
    {
        await using var server = Start();
        var incr = Resp.Command("INCR", "shared");
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        // Dedicated threads: 50 blocking clients on pool threads would starve the in-process server of pool threads.
        var workers = Enumerable.Range(0, 50).Select(_ => new Thread(() =>
        {
            try
            {
                using var client = server.ConnectRaw();
                for (int done = 0; done < 1000;)
                {
                    // Alternate single round trips and small pipelines, so requests interleave in every way.
                    int batch = (done / 10) % 2 == 0 ? 1 : 10;
                    for (int i = 0; i < batch; i++) client.Send(incr);
                    for (int i = 0; i < batch; i++)
                    {
                        string reply = client.ReadReply();
                        if (!reply.StartsWith(':')) throw new InvalidOperationException("unexpected reply " + reply);
                    }
                    done += batch;
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) Assert.That(worker.Join(TimeSpan.FromSeconds(120)), Is.True, "worker finished");
        Assert.That(failures, Is.Empty);
        using var check = server.ConnectRaw();
        Assert.That(check.Call("GET", "shared"), Is.EqualTo("$5\r\n50000\r\n"));
    }

    [Test]
    public async Task ClientsComingAndGoingNeverGetEachOthersReplies()
    {
        // Short-lived clients connect, pipeline, and leave in three ways (after reading, with replies unread, with a
        // reset) while long-lived ones keep checking that every reply is their own: closed descriptors are reused at
        // once by new clients, so a transport that touched a socket after closing it would show up here.
        await using var server = Start();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var workers = Enumerable.Range(0, 6).Select(t => new Thread(() =>
        {
            try
            {
                using var steady = server.ConnectRaw();
                for (int i = 0; i < 150 && DateTime.UtcNow < deadline; i++)
                {
                    string mine = $"steady-{t}-{i}";
                    steady.Send(Resp.Command("SET", mine, mine).Concat(Resp.Command("GET", mine)).ToArray());
                    if (steady.ReadReply() != "+OK\r\n") failures.Enqueue($"{mine}: SET reply");
                    string got = steady.ReadReply();
                    if (got != $"${mine.Length}\r\n{mine}\r\n") failures.Enqueue($"{mine}: got {got}");

                    var visitor = server.ConnectRaw();
                    string key = $"visitor-{t}-{i}";
                    var request = new List<byte>();
                    for (int n = 0; n < 20; n++) request.AddRange(Resp.Command("ECHO", $"{key}-{n}"));
                    visitor.Send(request.ToArray());
                    switch (i % 3)
                    {
                        case 0:
                            for (int n = 0; n < 20; n++)
                            {
                                string echo = visitor.ReadReply();
                                string expected = $"{key}-{n}";
                                if (echo != $"${expected.Length}\r\n{expected}\r\n") failures.Enqueue($"{key}: got {echo}");
                            }
                            visitor.Dispose();
                            break;
                        case 1: visitor.Dispose(); break;
                        default: visitor.Abort(); break;
                    }
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue($"{t}: {ex.GetType().Name} {ex.Message}");
            }
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) Assert.That(worker.Join(TimeSpan.FromSeconds(90)), Is.True, "worker finished");
        Assert.That(failures, Is.Empty);
        using var check = server.ConnectRaw();
        Assert.That(check.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(check.Call("GET", "steady-0-0"), Is.EqualTo("$10\r\nsteady-0-0\r\n"));
    }

    [Test]
    public async Task MaxClientsRejectsTheNextClientWithAnErrorAndCloses()
    {
        await using var server = Start(o => o.MaxClients = 2);
        using var first = server.ConnectRaw();
        using var second = server.ConnectRaw();
        Assert.That(first.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(second.Call("PING"), Is.EqualTo("+PONG\r\n"));

        using (var third = server.ConnectRaw())
        {
            Assert.That(third.ReadToEnd(), Is.EqualTo("-ERR max number of clients reached\r\n"));
        }
        Assert.That(first.Call("PING"), Is.EqualTo("+PONG\r\n"), "the connected clients are unaffected");

        first.Dispose();
        Assert.That(WaitUntil(() => server.State.Clients.Count < 2), Is.True, "the server noticed the client left");
        using var replacement = server.ConnectRaw();
        Assert.That(replacement.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task IdleTimeoutClosesAnIdleClientButNotAnActiveOne()
    {
        await using var server = Start(o => o.Timeout = 1);
        using var idle = server.ConnectRaw();
        using var active = server.ConnectRaw();
        Assert.That(idle.Call("PING"), Is.EqualTo("+PONG\r\n"));

        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            Assert.That(active.Call("PING"), Is.EqualTo("+PONG\r\n"), $"after {watch.Elapsed}");
            Thread.Sleep(200);
        }
        Assert.That(idle.IsClosedByServer(10_000), Is.True, "the idle client was closed");
        Assert.That(active.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task ClientThatNeverReadsDoesNotStopTheServer()
    {
        await using var server = Start();
        using var other = server.ConnectRaw();
        Assert.That(other.Call("SET", "big", new string('b', 100_000)), Is.EqualTo("+OK\r\n"));

        // 20,000 GETs of 100 KB = 2 GB of replies that nobody reads. A send that cannot go out within 2 s ends the
        // loop (the server stopped reading this client), so it is bounded either way.
        using var greedy = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        greedy.ReceiveBufferSize = 64 * 1024;
        greedy.SendTimeout = 2000;
        greedy.Connect(new IPEndPoint(IPAddress.Loopback, server.Port));
        var batch = Enumerable.Range(0, 100).SelectMany(_ => Resp.Command("GET", "big")).ToArray();
        int sentGets = 0;
        try
        {
            for (; sentGets < 20_000; sentGets += 100) greedy.Send(batch);
        }
        catch (SocketException)
        {
        }

        Assert.That(other.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(other.Call("INCR", "n"), Is.EqualTo(":1\r\n"));
        Assert.That(other.Call("STRLEN", "big"), Is.EqualTo(":100000\r\n"));

        string greedyAddress = greedy.LocalEndPoint!.ToString()!;
        ClientSession? greedySession = null;
        Assert.That(WaitUntil(() => (greedySession = server.State.Clients.All.FirstOrDefault(c => c.RemoteAddress == greedyAddress)) is not null), Is.True);
        long processed = greedySession!.CommandsProcessed;
        // Far fewer GETs ran than were sent: once the replies backed up, the server stopped executing this client's
        // requests (it holds at most a few MB of replies for it instead of 2 GB).
        Assert.That(processed, Is.LessThan(1_000), $"sent {sentGets} GETs");
        Assert.That(greedySession.OutputBytes, Is.LessThan(200L * 1024 * 1024));

        greedy.Close();
        Assert.That(WaitUntil(() => server.State.Clients.Count == 1), Is.True, "the greedy client is cleaned up");
        Assert.That(other.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task StopAsyncFinishesRepliesInFlight()
    {
        var server = Start();
        try
        {
            var value = new string('s', 3_000_000);
            using var client = server.ConnectRaw();
            Assert.That(client.Call("SET", "big", value), Is.EqualTo("+OK\r\n"));
            client.Send(Enumerable.Range(0, 10).SelectMany(_ => Resp.Command("GET", "big")).ToArray());
            string first = client.ReadReply(30_000);
            Assert.That(first, Is.EqualTo($"$3000000\r\n{value}\r\n"));

            var stopping = server.Host.StopAsync();
            string rest = client.ReadToEnd(30_000);
            await stopping.WaitAsync(TimeSpan.FromSeconds(30));

            // Whatever was sent after the stop began is whole replies only, never a reply cut short.
            string expected = $"$3000000\r\n{value}\r\n";
            Assert.That(rest.Length % expected.Length, Is.Zero, $"received {rest.Length} bytes");
            for (int i = 0; i < rest.Length; i += expected.Length)
                Assert.That(string.CompareOrdinal(rest, i, expected, 0, expected.Length), Is.Zero, $"reply at {i}");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    public async Task TwentyMegabyteValueRoundTrips()
    {
        await using var server = Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        var value = new byte[20 * 1024 * 1024];
        new Random(20).NextBytes(value);
        Assert.That(await db.StringSetAsync("big", value), Is.True);
        byte[]? back = await db.StringGetAsync("big");
        Assert.That(back, Is.Not.Null);
        Assert.That(back!.AsSpan().SequenceEqual(value), Is.True);
        Assert.That(await db.StringLengthAsync("big"), Is.EqualTo(value.Length));

        using var raw = server.ConnectRaw();
        var text = new string('t', 20 * 1024 * 1024);
        Assert.That(raw.Call("SET", "text", text), Is.EqualTo("+OK\r\n"));
        Assert.That(raw.Call("GET", "text"), Is.EqualTo($"${text.Length}\r\n{text}\r\n"));
    }

    private static bool WaitUntil(Func<bool> condition, int timeoutMs = 10_000)
    {
        var watch = Stopwatch.StartNew();
        while (watch.ElapsedMilliseconds < timeoutMs)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }
}
