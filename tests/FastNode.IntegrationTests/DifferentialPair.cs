namespace FastNode.IntegrationTests;

/// <summary>
/// A FastNode process and a redis-server 7.0 process side by side, each with one raw connection: every command is
/// sent to both and the exact reply bytes must be equal (errors included). The servers are killed by pid on dispose.
/// </summary>
internal sealed class DifferentialPair : IDisposable
{
    private readonly ServerProcesses _processes = new();
    private readonly string _dir;
    private readonly RawClient _fastNode = null!;
    private readonly RawClient _redis = null!;

    public DifferentialPair(string fastNodeArgs = "", string redisArgs = "")
    {
        _dir = Directory.CreateTempSubdirectory("fastnode-diff-").FullName;
        try
        {
            var redis = _processes.Redis(ServerProcesses.FreePort(), $"--dir {_dir} {redisArgs}").Ready();
            var fastNode = _processes.FastNode(ServerProcesses.FreePort(), $"--dir {_dir} --save \"\" {fastNodeArgs}").Ready();
            FastNodePort = fastNode.Port;
            RedisPort = redis.Port;
            _redis = RawClient.Connect(redis.Port);
            _fastNode = RawClient.Connect(fastNode.Port);
        }
        catch
        {
            _processes.Dispose();
            throw;
        }
    }

    public int FastNodePort { get; }
    public int RedisPort { get; }

    /// <summary>The pair's connection to FastNode, for calls whose comparison is not <see cref="Same"/>'s.</summary>
    public RawClient FastNode => _fastNode;

    /// <summary>The pair's connection to redis-server.</summary>
    public RawClient Redis => _redis;

    /// <summary>Sends to both; asserts the replies are identical and returns Redis's.</summary>
    public string Same(params string[] command)
    {
        string expected = _redis.Call(command);
        string actual = _fastNode.Call(command);
        Assert.That(RespReplyScanner.Escape(actual), Is.EqualTo(RespReplyScanner.Escape(expected)), string.Join(' ', command));
        return expected;
    }

    /// <summary>Sends to both without comparing (set-up whose reply legitimately differs, such as HELLO's id).</summary>
    public void Both(params string[] command)
    {
        _redis.Call(command);
        _fastNode.Call(command);
    }

    public void Dispose()
    {
        _fastNode?.Dispose();
        _redis?.Dispose();
        _processes.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
