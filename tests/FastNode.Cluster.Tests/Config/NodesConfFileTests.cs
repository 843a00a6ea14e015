using FastNode.Cluster.Config;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;

namespace FastNode.Cluster.Tests.Config;

public class NodesConfFileTests
{
    // The shape redis-server 7.0 writes after redis-cli --cluster create with one replica per primary.
    private const string Redis70 =
        "07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected\n" +
        "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922\n" +
        "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master - 0 1426238318243 3 connected 10923-16383\n" +
        "6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 slave 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 5 connected\n" +
        "824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:30006@31006 slave 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 1426238317741 6 connected\n" +
        "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460 [77->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]\n" +
        "vars currentEpoch 6 lastVoteEpoch 0\n";

    [Test]
    public void ReadsWhatRedisWrites()
    {
        Assert.That(NodesConfFile.TryParse(Redis70, out var conf, out string error), Is.True, error);
        Assert.That(conf!.Nodes, Has.Count.EqualTo(6));
        Assert.That(conf.CurrentEpoch, Is.EqualTo(6));
        var me = conf.Myself!;
        Assert.That(me.Id.ToString(), Is.EqualTo("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca"));
        Assert.That(me.Flags, Is.EqualTo(NodeFlags.Myself | NodeFlags.Primary));
        Assert.That(me.Slots.Count, Is.EqualTo(5461));
        Assert.That(me.Migrating.Single().Slot, Is.EqualTo(77));
        Assert.That(me.Address, Is.EqualTo(new NodeAddress("127.0.0.1", 30001, 31001)));
        var replica = conf.Nodes[0];
        Assert.That(replica.PrimaryId, Is.EqualTo(me.Id));
        Assert.That(replica.PongReceivedUnixMs, Is.EqualTo(1426238317239));
    }

    [Test]
    public void WritesWhatItReads()
    {
        NodesConfFile.TryParse(Redis70, out var conf, out _);
        Assert.That(NodesConfFile.Write(conf!), Is.EqualTo(Redis70));
    }

    [Test]
    public void HostnameAndShardIdRoundTrip()
    {
        string text =
            "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 10.0.0.1:6379@16379,cache-1.example,shard-id=67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 myself,master - 0 0 3 connected 0-16383\n" +
            "vars currentEpoch 3 lastVoteEpoch 2\n";
        Assert.That(NodesConfFile.TryParse(text, out var conf, out string error), Is.True, error);
        Assert.That(conf!.Myself!.Address.Hostname, Is.EqualTo("cache-1.example"));
        Assert.That(conf.Myself.ShardId.ToString(), Is.EqualTo("67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1"));
        Assert.That(conf.LastVoteEpoch, Is.EqualTo(2));
        Assert.That(NodesConfFile.Write(conf), Is.EqualTo(text));
    }

    [Test]
    public void EmptyFileIsAFreshNode()
    {
        Assert.That(NodesConfFile.TryParse("", out var conf, out _), Is.True);
        Assert.That(conf!.Nodes, Is.Empty);
    }

    [TestCase("cut mid-line", "line 7 is cut off (no newline at the end; truncated file?)")]
    [TestCase("cut at a line end", "no vars line at the end (truncated file?)")]
    public void TruncatedFileSaysSo(string how, string expected)
    {
        string text = how == "cut mid-line" ? Redis70[..^10] : Redis70[..(Redis70.LastIndexOf("vars", StringComparison.Ordinal))];
        Assert.That(NodesConfFile.TryParse(text, out _, out string error), Is.False);
        Assert.That(error, Is.EqualTo(expected));
    }

    [TestCase("zzz", "line 1: node id 'zzz' is not 40 hex characters")]
    [TestCase("127.0.0.1", "line 1: address '127.0.0.1' has no ':port'")]
    [TestCase("127.0.0.1:99999@1", "line 1: port in '127.0.0.1:99999@1' is not a port number")]
    [TestCase("master,bogus", "line 1: unknown flag 'bogus'")]
    [TestCase("-1", "line 1: config epoch '-1' is not a number")]
    [TestCase("sort-of", "line 1: link state 'sort-of' is neither connected nor disconnected")]
    [TestCase("16384", "line 1: slot field '16384' is not valid")]
    [TestCase("9-3", "line 1: slot field '9-3' is not valid")]
    public void CorruptFieldIsNamed(string replacement, string expected)
    {
        string[] fields = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460".Split(' ');
        int index = replacement switch
        {
            "zzz" => 0,
            _ when replacement.Contains('.') => 1,
            _ when replacement.StartsWith("master") => 2,
            "-1" => 6,
            "sort-of" => 7,
            _ => 8,
        };
        fields[index] = replacement;
        string text = string.Join(' ', fields) + "\nvars currentEpoch 1 lastVoteEpoch 0\n";
        Assert.That(NodesConfFile.TryParse(text, out _, out string error), Is.False);
        Assert.That(error, Is.EqualTo(expected));
    }

    [Test]
    public void TooFewFields()
    {
        Assert.That(NodesConfFile.TryParse("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself\nvars currentEpoch 0 lastVoteEpoch 0\n",
            out _, out string error), Is.False);
        Assert.That(error, Is.EqualTo("line 1: 3 fields, a node line has at least 8 (truncated line?)"));
    }

    [Test]
    public void NoMyselfLine()
    {
        string text = Redis70.Replace("myself,master", "master");
        Assert.That(NodesConfFile.TryParse(text, out _, out string error), Is.False);
        Assert.That(error, Is.EqualTo("no node is flagged myself"));
    }

    [Test]
    public void DuplicateNode()
    {
        string first = Redis70.Split('\n')[1];
        Assert.That(NodesConfFile.TryParse(first + "\n" + Redis70, out _, out string error), Is.False);
        Assert.That(error, Does.StartWith("line 3: node 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 appears twice"));
    }

    [Test]
    public void ErrorsAreOneLine()
    {
        var random = new Random(9);
        for (int i = 0; i < 2000; i++)
        {
            var chars = Redis70.ToCharArray();
            chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            string text = new string(chars)[..random.Next(chars.Length + 1)];
            if (!NodesConfFile.TryParse(text, out _, out string error))
            {
                Assert.That(error, Does.Not.Contain('\n'));
                Assert.That(error, Is.Not.Empty);
            }
        }
    }
}
