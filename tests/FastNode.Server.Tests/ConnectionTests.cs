using System.IO.Pipelines;
using System.Text;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Server.Tests;

/// <summary>
/// The connection loop over in-memory pipes: pipelining, inline commands, protocol errors (reply, then close only
/// that client), QUIT, command errors, and requests cut into pieces. Expected replies are redis-server 7.0.15's bytes.
/// </summary>
public sealed class ConnectionTests
{
    /// <summary>
    /// Each protocol error, as redis-server 7.0.15 answers it before closing. The text after "Protocol error: " is
    /// Latin-1 here because Redis prints the offending byte raw.
    /// </summary>
    private static IEnumerable<TestCaseData> ProtocolErrors()
    {
        static TestCaseData Case(string name, string request, string reply, bool needsAuth = false) =>
            new TestCaseData(request, reply, needsAuth).SetArgDisplayNames(name);
        yield return Case("multibulk length not a number", "*abc\r\n", "invalid multibulk length");
        yield return Case("multibulk length over 1048576", "*1048577\r\n", "invalid multibulk length");
        yield return Case("bulk length negative", "*1\r\n$-1\r\n", "invalid bulk length");
        yield return Case("bulk length not a number", "*1\r\n$abc\r\n", "invalid bulk length");
        yield return Case("bulk length over proto-max-bulk-len", "*1\r\n$536870913\r\n", "invalid bulk length");
        yield return Case("expected $", "*1\r\nx\r\n", "expected '$', got 'x'");
        yield return Case("expected $ got CR (printed as a space)", "*1\r\n\r\n", "expected '$', got ' '");
        yield return Case("expected $ got 0xFF (printed raw)", "*1\r\n\xff\r\n", "expected '$', got '\xff'");
        yield return Case("too big mbulk count string", "*" + new string('1', 70_000), "too big mbulk count string");
        yield return Case("too big bulk count string", "*1\r\n$" + new string('1', 70_000), "too big bulk count string");
        yield return Case("too big inline request", new string('a', 70_000), "too big inline request");
        yield return Case("unbalanced quotes", "SET k \"v\r\n", "unbalanced quotes in request");
        yield return Case("unbalanced single quotes", "SET k 'v\r\n", "unbalanced quotes in request");
        yield return Case("unauthenticated multibulk length", "*11\r\n", "unauthenticated multibulk length", needsAuth: true);
        yield return Case("unauthenticated bulk length", "*1\r\n$16385\r\n", "unauthenticated bulk length", needsAuth: true);
    }

    [Test]
    public async Task PipelinedBatchIsAnsweredInOrder()
    {
        await using var c = new InMemoryClient();
        var request = new StringBuilder();
        var expected = new List<string>();
        for (int i = 0; i < 1000; i++)
        {
            switch (i % 5)
            {
                case 0: request.Append(Resp.CommandText("SET", "k" + i, "v" + i)); expected.Add("+OK\r\n"); break;
                case 1: request.Append(Resp.CommandText("GET", "k" + (i - 1))); expected.Add($"${("v" + (i - 1)).Length}\r\nv{i - 1}\r\n"); break;
                case 2: request.Append(Resp.CommandText("INCR", "counter")); expected.Add($":{i / 5 + 1}\r\n"); break;
                case 3: request.Append("PING\r\n"); expected.Add("+PONG\r\n"); break;
                default: request.Append(Resp.CommandText("ECHO", "e" + i)); expected.Add($"${("e" + i).Length}\r\ne{i}\r\n"); break;
            }
        }
        await c.SendAsync(request.ToString());
        foreach (var reply in expected) Assert.That(await c.ReadReplyAsync(), Is.EqualTo(reply));
    }

    [Test]
    public async Task InlineCommands()
    {
        await using var c = new InMemoryClient();
        await c.SendAsync("PING\r\nSET k \"hello world\"\r\nGET k\nECHO 'it\\'s'\r\n\r\n   \r\nECHO \"\\x41\\n\"\r\nPING hi\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+PONG\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("$11\r\nhello world\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("$4\r\nit's\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("$2\r\nA\n\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("$2\r\nhi\r\n"));
    }

    [Test]
    public async Task EmptyAndNegativeMultiBulkGetNoReply()
    {
        await using var c = new InMemoryClient();
        await c.SendAsync("*0\r\n*-1\r\n*-7\r\n" + Resp.CommandText("PING"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+PONG\r\n"));
    }

    [TestCaseSource(nameof(ProtocolErrors))]
    public async Task ProtocolErrorAnswersThenClosesOnlyThatClient(string request, string reason, bool needsAuth)
    {
        var options = new ServerOptions { Port = 0, RequirePass = needsAuth ? "secret" : "" };
        var server = InMemoryClient.NewServer(options);
        await using var bystander = new InMemoryClient(server);
        if (!needsAuth) Assert.That(await bystander.CallAsync("SET", "kept", "value"), Is.EqualTo("+OK\r\n"));

        await using var bad = new RawPipeClient(server);
        // A good command first: it is answered before the error, as Redis does.
        await bad.SendAsync(Encoding.Latin1.GetBytes("PING\r\n" + request));
        var all = await bad.ReadToEndAsync();
        Assert.That(Encoding.Latin1.GetString(all), Is.EqualTo((needsAuth ? "-NOAUTH Authentication required.\r\n" : "+PONG\r\n") + "-ERR Protocol error: " + reason + "\r\n"));
        await bad.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(bad.Connection.Reason, Is.EqualTo(DisconnectReason.ProtocolError));

        Assert.That(await bystander.CallAsync("PING"), Is.EqualTo(needsAuth ? "-NOAUTH Authentication required.\r\n" : "+PONG\r\n"));
        if (!needsAuth) Assert.That(await bystander.CallAsync("GET", "kept"), Is.EqualTo("$5\r\nvalue\r\n"));
        Assert.That(bystander.Closed.IsCompleted, Is.False);
    }

    [Test]
    public async Task CommandsAfterAProtocolErrorAreNotRun()
    {
        var server = InMemoryClient.NewServer();
        await using var bad = new InMemoryClient(server);
        await bad.SendAsync(Resp.CommandText("SET", "a", "1") + "*1\r\n$x\r\n" + Resp.CommandText("SET", "b", "2"));
        Assert.That(await bad.ReadToEndAsync(), Is.EqualTo("+OK\r\n-ERR Protocol error: invalid bulk length\r\n"));
        await using var other = new InMemoryClient(server);
        Assert.That(await other.CallAsync("GET", "a"), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(await other.CallAsync("GET", "b"), Is.EqualTo("$-1\r\n"));
    }

    [Test]
    public async Task QuitAnswersOkAndCloses()
    {
        var server = InMemoryClient.NewServer();
        await using var c = new InMemoryClient(server);
        await c.SendAsync(Resp.CommandText("SET", "before", "1") + Resp.CommandText("QUIT") + Resp.CommandText("SET", "after", "1"));
        Assert.That(await c.ReadToEndAsync(), Is.EqualTo("+OK\r\n+OK\r\n"));
        await c.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(c.Connection.Reason, Is.EqualTo(DisconnectReason.Quit));
        await using var other = new InMemoryClient(server);
        Assert.That(await other.CallAsync("EXISTS", "before", "after"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task InlineQuitAlsoCloses()
    {
        await using var c = new InMemoryClient();
        await c.SendAsync("quit\r\n");
        Assert.That(await c.ReadToEndAsync(), Is.EqualTo("+OK\r\n"));
        await c.Closed.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task UnknownCommandQuotesItsArguments()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("foo", "a", "b"), Is.EqualTo("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"));
        Assert.That(await c.CallAsync("foo"), Is.EqualTo("-ERR unknown command 'foo', with args beginning with: \r\n"));
        await c.SendAsync("nosuch x\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("-ERR unknown command 'nosuch', with args beginning with: 'x' \r\n"));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("+PONG\r\n"), "a command error does not close the connection");
    }

    [Test]
    public async Task WrongArityNamesTheCommandInLowerCase()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("GET"), Is.EqualTo("-ERR wrong number of arguments for 'get' command\r\n"));
        Assert.That(await c.CallAsync("Get", "a", "b"), Is.EqualTo("-ERR wrong number of arguments for 'get' command\r\n"));
        Assert.That(await c.CallAsync("ECHO"), Is.EqualTo("-ERR wrong number of arguments for 'echo' command\r\n"));
        Assert.That(await c.CallAsync("set", "k"), Is.EqualTo("-ERR wrong number of arguments for 'set' command\r\n"));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));
    }

    private static IEnumerable<TestCaseData> SplitRequests()
    {
        yield return new TestCaseData(Resp.Command("SET", "key", "a value with\r\nCRLF inside"), "+OK\r\n").SetArgDisplayNames("multibulk SET");
        yield return new TestCaseData(Resp.Command("ECHO", "x\r\n$3\r\n"), "$7\r\nx\r\n$3\r\n\r\n").SetArgDisplayNames("multibulk ECHO");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("ECHO \"a b\" \r\n"), "$3\r\na b\r\n").SetArgDisplayNames("inline ECHO");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("*0\r\n*1\r\n$4\r\nPING\r\n"), "+PONG\r\n").SetArgDisplayNames("*0 then PING");
    }

    [TestCaseSource(nameof(SplitRequests))]
    public async Task RequestSplitIntoTwoWritesAtEveryByteGetsTheSameReply(byte[] request, string reply)
    {
        await using var c = new RawPipeClient(InMemoryClient.NewServer());
        for (int at = 0; at <= request.Length; at++)
        {
            await c.SendAsync(request[..at]);
            await Task.Yield();
            await c.SendAsync(request[at..]);
            Assert.That(await c.ReadReplyAsync(), Is.EqualTo(reply), $"split at {at}");
        }
    }

    [Test]
    public async Task RequestSentOneByteAtATime()
    {
        await using var c = new RawPipeClient(InMemoryClient.NewServer());
        var request = Resp.Command("SET", "k", "v").Concat(Encoding.ASCII.GetBytes("GET k\r\n")).ToArray();
        foreach (byte b in request) await c.SendAsync([b]);
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("$1\r\nv\r\n"));
    }

    [Test]
    public async Task ClientThatDoesNotReadStopsBeingServedUntilItDoes()
    {
        // 2,000 GETs of a 10 KB value in one write: 20 MB of replies. The batch stops at the output limit and waits
        // on the flush, so the server neither runs the rest nor buffers their replies until the client reads.
        var server = InMemoryClient.NewServer();
        await using var c = new RawPipeClient(server);
        var value = new string('v', 10_000);
        await c.SendAsync(Resp.Command("SET", "big", value));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+OK\r\n"));

        var gets = Enumerable.Range(0, 2000).SelectMany(_ => Resp.Command("GET", "big")).ToArray();
        await c.SendAsync(gets);
        long processed = 0;
        for (int i = 0; i < 50; i++)
        {
            await Task.Delay(10);
            processed = c.Session.CommandsProcessed;
        }
        Assert.That(processed - 1, Is.LessThan(2000), "commands run while nobody reads their replies");
        Assert.That(processed - 1, Is.LessThanOrEqualTo(2 * CommandProcessor.OutputBatchLimit / value.Length + 10));

        string expected = $"$10000\r\n{value}\r\n";
        for (int i = 0; i < 2000; i++) Assert.That(await c.ReadReplyAsync(), Is.EqualTo(expected), $"reply {i}");
        Assert.That(c.Session.CommandsProcessed, Is.EqualTo(2001));
    }

    [Test]
    public async Task PipelinedRequestCarriedAcrossSegmentsResumesAfterTheOutputLimit()
    {
        // The request spans several pipe segments, so most of it moves into the reader's carry-over buffer; when the
        // batch stops at the output limit the pipe is empty and the loop must resume from that buffer, not wait.
        await using var c = new RawPipeClient(InMemoryClient.NewServer());
        var value = new string('w', 300_000);
        await c.SendAsync(Resp.Command("SET", "big", value));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+OK\r\n"));
        var request = Enumerable.Range(0, 40).SelectMany(i => Resp.Command("GET", "big").Concat(Resp.Command("ECHO", "n" + i))).ToArray();
        await c.SendAsync(request);
        for (int i = 0; i < 40; i++)
        {
            Assert.That(await c.ReadReplyAsync(), Has.Length.EqualTo(value.Length + 11), $"GET {i}");
            Assert.That(await c.ReadReplyAsync(), Is.EqualTo($"${("n" + i).Length}\r\nn{i}\r\n"));
        }
    }

    [Test]
    public async Task CommandsPipelinedBehindABlockedCommandRunWhenItEnds()
    {
        // WAIT 1 100 blocks for 100 ms (no replica will ever ack). The PING sent in the same write must then run
        // without the client sending anything else; it used to wait for new bytes, because the pipe does not hand
        // out again bytes that were already examined.
        await using var c = new RawPipeClient(InMemoryClient.NewServer());
        await c.SendAsync(Resp.Command("WAIT", "1", "100").Concat(Resp.Command("PING")).Concat(Resp.Command("ECHO", "after")).ToArray());
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo(":0\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+PONG\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("$5\r\nafter\r\n"));
    }

    [Test]
    public async Task CommandsCarriedBehindABlockedCommandRunWhenItEnds()
    {
        // Same, with the blocked command and what follows it in the reader's carry-over buffer (the write spans
        // several pipe segments), so nothing at all is left in the pipe while it blocks.
        await using var c = new RawPipeClient(InMemoryClient.NewServer());
        var big = new string('e', 20_000);
        await c.SendAsync(Resp.Command("ECHO", big).Concat(Resp.Command("WAIT", "1", "100")).Concat(Resp.Command("PING")).ToArray());
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo($"$20000\r\n{big}\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo(":0\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+PONG\r\n"));
    }

    /// <summary>
    /// Like <see cref="InMemoryClient"/>, but bytes in and bytes out (Latin-1 text), so a reply holding a raw 0xFF
    /// byte is seen exactly.
    /// </summary>
    private sealed class RawPipeClient : IAsyncDisposable
    {
        private readonly Pipe _toServer = new();
        private readonly Pipe _fromServer = new();
        private readonly MemoryStream _received = new();

        public RawPipeClient(ServerState server)
        {
            Session = new ClientSession("127.0.0.1:50001", "127.0.0.1:6379", server.NowMs);
            Connection = new Connection(_toServer.Reader, _fromServer.Writer, server, Session, NullLogger.Instance);
            Closed = Task.Run(Connection.RunAsync);
        }

        public ClientSession Session { get; }
        public Connection Connection { get; }
        public Task Closed { get; }

        public async Task SendAsync(byte[] bytes) => await _toServer.Writer.WriteAsync(bytes);

        public async Task<string> ReadReplyAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                var buffered = _received.GetBuffer().AsSpan(0, (int)_received.Length);
                int length = RespReplyScanner.CompleteLength(buffered);
                if (length >= 0)
                {
                    var reply = Encoding.Latin1.GetString(buffered[..length]);
                    var rest = buffered[length..].ToArray();
                    _received.SetLength(0);
                    _received.Write(rest);
                    return reply;
                }
                if (_ended) throw new EndOfStreamException("the server closed the connection");
                await ReceiveAsync(cts.Token);
            }
        }

        public async Task<byte[]> ReadToEndAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!_ended) await ReceiveAsync(cts.Token);
            var all = _received.ToArray();
            _received.SetLength(0);
            return all;
        }

        private bool _ended;

        private async Task ReceiveAsync(CancellationToken ct)
        {
            var result = await _fromServer.Reader.ReadAsync(ct);
            foreach (var segment in result.Buffer) _received.Write(segment.Span);
            _fromServer.Reader.AdvanceTo(result.Buffer.End);
            _ended = result.IsCompleted;
        }

        public async ValueTask DisposeAsync()
        {
            await _toServer.Writer.CompleteAsync();
            await _fromServer.Reader.CompleteAsync();
            await Closed.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }
}
