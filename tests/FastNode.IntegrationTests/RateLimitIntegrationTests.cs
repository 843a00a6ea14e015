using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// Rate limiters over real sockets under contention: many connections hammer one key while the test drives a fake
/// clock in fixed steps, and the admitted total is checked against the limiter's exact allowance after every step.
/// Every wait is bounded; nothing depends on how fast the machine is. The clients use async sockets: hundreds of
/// threads blocked in synchronous reads would starve the thread pool the server itself runs on.
/// </summary>
public sealed class RateLimitIntegrationTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Limit 100 (max_burst 99) plus 1000 per second: exactly 10 more per 10 ms step.</summary>
    private static readonly string[] Throttle = ["CL.THROTTLE", "hot", "99", "1000", "1"];
    private static readonly string[] TokenBucket = ["RL.TOKENBUCKET", "hot", "100", "1000"];

    private static IEnumerable<TestCaseData> Limiters()
    {
        yield return new TestCaseData(Throttle, true).SetArgDisplayNames("CL.THROTTLE");
        yield return new TestCaseData(TokenBucket, false).SetArgDisplayNames("RL.TOKENBUCKET");
        yield return new TestCaseData(new[] { "RL.GCRA", "hot", "99", "1000", "1000" }, false).SetArgDisplayNames("RL.GCRA");
    }

    [TestCaseSource(nameof(Limiters))]
    public async Task FiftyClientsNeverGetMoreThanBurstPlusRate(string[] command, bool zeroMeansAllowed)
    {
        await Hammer(command, zeroMeansAllowed, clients: 50, requestsPerClientPerStep: 4, steps: 100);
    }

    [Test]
    public async Task TwoHundredClientsNeverGetMoreThanBurstPlusRate()
    {
        await Hammer(Throttle, zeroMeansAllowed: true, clients: 200, requestsPerClientPerStep: 2, steps: 25);
    }

    /// <summary>
    /// Each step, every client pipelines its requests at the same fake instant and reads the replies; then the clock
    /// moves 10 ms. After step s (elapsed = 10 s ms) the limiter may have admitted at most 100 + elapsed, and with
    /// demand far above the rate it must have admitted at least 99% of that.
    /// </summary>
    private static async Task Hammer(string[] command, bool zeroMeansAllowed, int clients, int requestsPerClientPerStep, int steps)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        await using var server = TestServer.Start(time: time);
        var connections = new AsyncClient[clients];
        for (int i = 0; i < clients; i++) connections[i] = await AsyncClient.ConnectAsync(server.Port);
        try
        {
            var request = new MemoryStream();
            for (int r = 0; r < requestsPerClientPerStep; r++) request.Write(Resp.Command(command));
            byte[] batch = request.ToArray();
            const long limit = 100, perSecond = 1000, stepMs = 10;
            long allowed = 0;
            for (int step = 0; step < steps; step++)
            {
                var tasks = new Task<int>[clients];
                for (int i = 0; i < clients; i++)
                {
                    tasks[i] = SendAndCountAllowed(connections[i], batch, requestsPerClientPerStep, zeroMeansAllowed);
                }
                foreach (int n in await Task.WhenAll(tasks).WaitAsync(StepTimeout)) allowed += n;

                long elapsedMs = step * stepMs;
                long allowance = limit + perSecond * elapsedMs / 1000;
                Assert.That(allowed, Is.LessThanOrEqualTo(allowance), $"admitted after {elapsedMs} ms");
                Assert.That(allowed, Is.GreaterThanOrEqualTo(allowance * 0.99), $"admitted after {elapsedMs} ms");
                time.Advance(TimeSpan.FromMilliseconds(stepMs));
            }
        }
        finally
        {
            foreach (var c in connections) c.Dispose();
        }
    }

    private static async Task<int> SendAndCountAllowed(AsyncClient client, byte[] batch, int replies, bool zeroMeansAllowed)
    {
        await client.SendAsync(batch);
        int allowed = 0;
        for (int r = 0; r < replies; r++)
        {
            string reply = await client.ReadReplyAsync();
            if (!reply.StartsWith("*5\r\n:", StringComparison.Ordinal)) throw new InvalidOperationException("unexpected reply " + reply);
            bool first = reply[5] == '1';
            if (first != zeroMeansAllowed) allowed++;
        }
        return allowed;
    }

    [Test]
    public async Task SlidingLogAdmitsExactlyTheLimitPerWindowUnderContention()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        await using var server = TestServer.Start(time: time);
        var connections = new AsyncClient[50];
        for (int i = 0; i < connections.Length; i++) connections[i] = await AsyncClient.ConnectAsync(server.Port);
        try
        {
            byte[] batch = Resp.Command("RL.SLIDINGLOG", "log", "30", "100");
            long allowed = 0;
            for (int step = 0; step < 40; step++)
            {
                var tasks = new Task<int>[connections.Length];
                for (int i = 0; i < connections.Length; i++)
                {
                    tasks[i] = SendAndCountAllowed(connections[i], batch, 1, zeroMeansAllowed: false);
                }
                foreach (int n in await Task.WhenAll(tasks).WaitAsync(StepTimeout)) allowed += n;
                // Requests come every 10 ms and the window is 100 ms: each window's 30 are all admitted at its start.
                Assert.That(allowed, Is.EqualTo(30 * (step / 10 + 1)), $"admitted after step {step}");
                time.Advance(TimeSpan.FromMilliseconds(10));
            }
        }
        finally
        {
            foreach (var c in connections) c.Dispose();
        }
    }

    [Test]
    public async Task StackExchangeRedisSeesTheRedisCellReplyAndAnOrdinaryKey()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        await using var server = TestServer.Start(time: time);
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();

        var reply = (long[])(await db.ExecuteAsync("CL.THROTTLE", "user123", 15, 30, 60))!;
        Assert.That(reply, Is.EqualTo(new long[] { 0, 16, 15, -1, 2 }));
        Assert.That(await db.KeyExistsAsync("user123"), Is.True);
        Assert.That(await db.KeyTimeToLiveAsync("user123"), Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That((string?)await db.ExecuteAsync("TYPE", "user123"), Is.EqualTo("ratelimiter"));

        var lease = (long[])(await db.ExecuteAsync("RL.CONCURRENCY.ACQUIRE", "jobs", 1, 30_000))!;
        Assert.That(lease[..5], Is.EqualTo(new long[] { 1, 1, 0, -1, 30_000 }));
        Assert.That((long)await db.ExecuteAsync("RL.CONCURRENCY.RELEASE", "jobs", lease[5]), Is.EqualTo(1));

        var ex = Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("CL.THROTTLE", "user123", "x", 30, 60));
        Assert.That(ex!.Message, Is.EqualTo("ERR value is not an integer or out of range"));
        await db.StringSetAsync("s", "v");
        var wrong = Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("RL.TOKENBUCKET", "s", 1, 1));
        Assert.That(wrong!.Message, Does.StartWith("WRONGTYPE"));
    }

    /// <summary>A minimal async RESP client: sends raw bytes, reads whole replies (exact bytes as text).</summary>
    private sealed class AsyncClient : IDisposable
    {
        private readonly Socket _socket;
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly MemoryStream _received = new();

        private AsyncClient(Socket socket) => _socket = socket;

        public static async Task<AsyncClient> ConnectAsync(int port)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            return new AsyncClient(socket);
        }

        public async Task SendAsync(byte[] bytes)
        {
            for (int sent = 0; sent < bytes.Length;) sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }

        public async Task<string> ReadReplyAsync()
        {
            using var timeout = new CancellationTokenSource(StepTimeout);
            while (true)
            {
                int length = RespReplyScanner.CompleteLength(_received.GetBuffer().AsSpan(0, (int)_received.Length));
                if (length >= 0)
                {
                    var buffered = _received.GetBuffer();
                    string reply = Encoding.UTF8.GetString(buffered, 0, length);
                    var rest = buffered.AsSpan(length, (int)_received.Length - length).ToArray();
                    _received.SetLength(0);
                    _received.Write(rest);
                    return reply;
                }
                int n = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, timeout.Token);
                if (n == 0) throw new EndOfStreamException("the server closed the connection");
                _received.Write(_buffer, 0, n);
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}
