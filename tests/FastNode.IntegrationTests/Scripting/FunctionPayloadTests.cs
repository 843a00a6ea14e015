using StackExchange.Redis;

namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// FUNCTION DUMP / RESTORE between FastNode and redis-server 7.0: each restores the other's payload (LZF-compressed
/// from Redis, plain from FastNode), and the policies answer alike on both.
/// </summary>
public sealed class FunctionPayloadTests : ProcessTestBase
{
    private const string LibA = "#!lua name=a1\nredis.register_function('f1', function() return 'one' end)";
    private const string LibB = "#!lua name=a2\nredis.register_function('f1', function() return 'two' end)";

    protected override string DirPrefix => "fastnode-fn-payload-";

    [Test]
    public void EachRestoresTheOthersPayload()
    {
        if (!ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        using var fastNode = Rdb.ClientDataset.Connect(FastNode().Port);
        using var redis = Rdb.ClientDataset.Connect(Redis().Port);
        var f = fastNode.GetDatabase();
        var r = redis.GetDatabase();

        r.Execute("FUNCTION", "LOAD", LibA);
        var fromRedis = (byte[])r.Execute("FUNCTION", "DUMP")!;
        Assert.That(f.Execute("FUNCTION", "RESTORE", fromRedis).ToString(), Is.EqualTo("OK"));
        Assert.That(f.Execute("FCALL", "f1", "0").ToString(), Is.EqualTo("one"));

        r.Execute("FUNCTION", "FLUSH");
        var fromFastNode = (byte[])f.Execute("FUNCTION", "DUMP")!;
        Assert.That(r.Execute("FUNCTION", "RESTORE", fromFastNode).ToString(), Is.EqualTo("OK"));
        Assert.That(r.Execute("FCALL", "f1", "0").ToString(), Is.EqualTo("one"));
    }

    [Test]
    public void PoliciesAnswerAsRedis()
    {
        if (!ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        using var fastNode = Rdb.ClientDataset.Connect(FastNode().Port);
        using var redis = Rdb.ClientDataset.Connect(Redis().Port);
        Assert.That(Policies(fastNode.GetDatabase()), Is.EqualTo(Policies(redis.GetDatabase())));
    }

    private static List<string> Policies(IDatabase db)
    {
        var replies = new List<string>();
        void Add(params object[] args)
        {
            try
            {
                replies.Add(db.Execute((string)args[0], args.Skip(1).ToArray()).ToString());
            }
            catch (RedisServerException ex)
            {
                replies.Add("error: " + ex.Message);
            }
        }
        db.Execute("FUNCTION", "LOAD", LibA);
        var payload = (byte[])db.Execute("FUNCTION", "DUMP")!;
        Add("FUNCTION", "RESTORE", payload);
        Add("FUNCTION", "RESTORE", payload, "APPEND");
        Add("FUNCTION", "RESTORE", payload, "REPLACE");
        Add("FUNCTION", "RESTORE", payload, "FLUSH");
        Add("FUNCTION", "RESTORE", payload, "BOGUS");
        var corrupt = (byte[])payload.Clone();
        corrupt[5] ^= 0x20;
        Add("FUNCTION", "RESTORE", corrupt);
        Add("FUNCTION", "DELETE", "a1");
        Add("FUNCTION", "LOAD", LibB);
        Add("FUNCTION", "RESTORE", payload, "REPLACE");
        Add("FCALL", "f1", "0");
        Add("FUNCTION", "RESTORE", payload, "FLUSH");
        Add("FCALL", "f1", "0");
        Add("FUNCTION", "FLUSH");
        replies.Add(Convert.ToHexString((byte[])db.Execute("FUNCTION", "DUMP")!));
        return replies;
    }
}
