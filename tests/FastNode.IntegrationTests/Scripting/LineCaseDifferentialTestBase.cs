namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// Differential cases made of command lines: each case runs on a fresh connection to FastNode and to redis-server
/// 7.0 after FLUSHALL and <see cref="ResetCommand"/>, and the raw replies of all its lines must be identical.
/// </summary>
public abstract class LineCaseDifferentialTestBase
{
    private DifferentialPair _pair = null!;

    /// <summary>What clears the family's own state between cases (SCRIPT FLUSH, FUNCTION FLUSH).</summary>
    protected abstract string[] ResetCommand { get; }

    /// <summary>Test cases named by their index and the start of their lines.</summary>
    protected static IEnumerable<TestCaseData> Named(string[][][] cases) =>
        cases.Select((lines, i) =>
        {
            var text = string.Join(" | ", lines.Select(l => string.Join(' ', l))).Replace('\n', ' ');
            return new TestCaseData((object)lines).SetName($"Case{i:00} {text[..Math.Min(80, text.Length)]}");
        });

    [OneTimeSetUp]
    public void StartBoth()
    {
        if (!ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        _pair = new DifferentialPair();
    }

    [OneTimeTearDown]
    public void StopBoth() => _pair?.Dispose();

    protected void AssertRepliesMatchRedis(string[][] lines) =>
        Assert.That(Run(_pair.FastNodePort, lines), Is.EqualTo(Run(_pair.RedisPort, lines)));

    private string Run(int port, string[][] lines)
    {
        using var client = RawClient.Connect(port);
        client.Call("FLUSHALL");
        client.Call(ResetCommand);
        var replies = new List<string>();
        foreach (var line in lines)
        {
            var reply = client.Call(line);
            // HELLO's reply holds the connection id, which differs between the servers.
            replies.Add(line[0] == "HELLO" ? (reply.StartsWith('%') ? "(hello map)" : reply) : reply);
        }
        return RespReplyScanner.Escape(string.Join("", replies));
    }
}
