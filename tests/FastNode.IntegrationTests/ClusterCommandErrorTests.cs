namespace FastNode.IntegrationTests;

/// <summary>
/// Misused CLUSTER subcommands (issue 14 section 8): the same inputs go to a FastNode and to a redis-server in cluster
/// mode (two-node clusters set up alike, <see cref="ClusterPair"/>), in the same order, and the replies must be equal
/// byte for byte once node ids and ports are named. "&lt;id0&gt;" / "&lt;id1&gt;" in a case stand for the nodes' ids.
/// </summary>
[NonParallelizable]
public sealed class ClusterCommandErrorTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-clerrors-";

    private const string UnknownId = "0123456789abcdef0123456789abcdef01234567";

    // Cases for the subcommands on this branch. Node 0 owns 0-8000, node 1 owns 8001-16383; the DELSLOTS of 8000 in
    // the middle leaves it unassigned for the cases after it.
    private static readonly string[][] Cases =
    [
        ["CLUSTER"],
        ["CLUSTER", "NOSUCH"],
        ["CLUSTER", "INFO", "x"],
        ["CLUSTER", "MYID", "x"],
        ["CLUSTER", "NODES", "x"],
        ["CLUSTER", "SLOTS", "x"],
        ["CLUSTER", "SHARDS", "x"],
        ["CLUSTER", "LINKS", "x"],
        ["CLUSTER", "SAVECONFIG", "x"],
        ["CLUSTER", "KEYSLOT"],
        ["CLUSTER", "KEYSLOT", "a", "b"],
        ["CLUSTER", "COUNTKEYSINSLOT", "x"],
        ["CLUSTER", "COUNTKEYSINSLOT", "-1"],
        ["CLUSTER", "COUNTKEYSINSLOT", "16384"],
        ["CLUSTER", "GETKEYSINSLOT", "0"],
        ["CLUSTER", "GETKEYSINSLOT", "x", "1"],
        ["CLUSTER", "GETKEYSINSLOT", "0", "x"],
        ["CLUSTER", "GETKEYSINSLOT", "0", "-1"],
        ["CLUSTER", "GETKEYSINSLOT", "16384", "1"],
        ["CLUSTER", "GETKEYSINSLOT", "-1", "1"],
        ["CLUSTER", "ADDSLOTS"],
        ["CLUSTER", "ADDSLOTS", "0"],
        ["CLUSTER", "ADDSLOTS", "10000"],
        ["CLUSTER", "ADDSLOTS", "16384"],
        ["CLUSTER", "ADDSLOTS", "-1"],
        ["CLUSTER", "ADDSLOTS", "x"],
        ["CLUSTER", "ADDSLOTSRANGE", "0"],
        ["CLUSTER", "ADDSLOTSRANGE", "0", "1", "2"],
        ["CLUSTER", "ADDSLOTSRANGE", "5", "1"],
        ["CLUSTER", "ADDSLOTSRANGE", "0", "16384"],
        ["CLUSTER", "ADDSLOTSRANGE", "0", "10"],
        ["CLUSTER", "ADDSLOTSRANGE", "x", "10"],
        ["CLUSTER", "DELSLOTS"],
        ["CLUSTER", "DELSLOTS", "16384"],
        ["CLUSTER", "DELSLOTS", "8000"],
        ["CLUSTER", "DELSLOTS", "8000"],
        ["CLUSTER", "ADDSLOTS", "8000", "8000"],
        ["CLUSTER", "ADDSLOTS", "8000", "0"],
        ["CLUSTER", "ADDSLOTSRANGE", "8000", "8000", "8000", "8000"],
        ["CLUSTER", "DELSLOTSRANGE", "10", "5"],
        ["CLUSTER", "DELSLOTSRANGE", "8000", "8000"],
        ["CLUSTER", "DELSLOTSRANGE", "0", "1", "2"],
        ["CLUSTER", "DELSLOTSRANGE", "0", "16384"],
        ["CLUSTER", "MEET"],
        ["CLUSTER", "MEET", "127.0.0.1"],
        ["CLUSTER", "MEET", "127.0.0.1", "x"],
        ["CLUSTER", "MEET", "127.0.0.1", "-1"],
        ["CLUSTER", "MEET", "127.0.0.1", "1234", "x"],
        ["CLUSTER", "MEET", "127.0.0.1", "1234", "5678", "9"],
        ["CLUSTER", "MEET", "not-an-ip", "1234"],
        ["CLUSTER", "MEET", "127.0.0.1", "70000"],
        ["CLUSTER", "MEET", "127.0.0.1", "1234", "70000"],
        ["CLUSTER", "REPLICATE"],
        ["CLUSTER", "REPLICATE", UnknownId],
        ["CLUSTER", "REPLICATE", "<id0>"],
        ["CLUSTER", "REPLICATE", "<id1>"],
        ["CLUSTER", "SET-CONFIG-EPOCH", "x"],
        ["CLUSTER", "SET-CONFIG-EPOCH", "-1"],
        ["CLUSTER", "SET-CONFIG-EPOCH", "5"],
        ["READONLY", "x"],
        ["READWRITE", "x"],
        ["ASKING", "x"],
    ];

    // Cases for subcommands other branches bring (slot migration: SETSLOT, FORGET, RESET, FLUSHSLOTS; replication and
    // failover: FAILOVER, REPLICAS, SLAVES, COUNT-FAILURE-REPORTS, BUMPEPOCH). Run after Cases, on the same nodes.
    private static readonly string[][] OtherCases =
    [
        ["CLUSTER", "SETSLOT", "0"],
        ["CLUSTER", "SETSLOT", "0", "NODE", UnknownId],
        ["CLUSTER", "SETSLOT", "16384", "STABLE"],
        ["CLUSTER", "SETSLOT", "x", "STABLE"],
        ["CLUSTER", "SETSLOT", "0", "BOGUS"],
        ["CLUSTER", "SETSLOT", "0", "MIGRATING", UnknownId],
        ["CLUSTER", "SETSLOT", "10000", "MIGRATING", "<id1>"],
        ["CLUSTER", "SETSLOT", "0", "IMPORTING", UnknownId],
        ["CLUSTER", "SETSLOT", "0", "IMPORTING", "<id0>"],
        ["CLUSTER", "SETSLOT", "0", "NODE"],
        ["CLUSTER", "FORGET", UnknownId],
        ["CLUSTER", "FORGET", "<id0>"],
        ["CLUSTER", "RESET", "BOGUS"],
        ["CLUSTER", "RESET", "SOFT", "x"],
        ["CLUSTER", "FAILOVER", "BOGUS"],
        ["CLUSTER", "FAILOVER"],
        ["CLUSTER", "REPLICAS", UnknownId],
        ["CLUSTER", "REPLICAS", "<id1>"],
        ["CLUSTER", "SLAVES", UnknownId],
        ["CLUSTER", "COUNT-FAILURE-REPORTS", UnknownId],
        ["CLUSTER", "COUNT-FAILURE-REPORTS", "<id1>"],
        ["CLUSTER", "BUMPEPOCH", "x"],
    ];

    private static string[] Resolve(string[] command, ClusterPair pair) =>
        command.Select(arg => pair.Names.FirstOrDefault(n => n.To == arg).From ?? arg).ToArray();

    // Runs the cases on node 0 of both pairs; returns the mismatches as "command: FastNode ... Redis ...".
    private static List<string> Mismatches(ClusterPair fastNode, ClusterPair redis, string[][] cases)
    {
        var mismatches = new List<string>();
        foreach (var command in cases)
        {
            string expected = redis.Normalized(redis.Call(0, Resolve(command, redis)));
            string actual = fastNode.Normalized(fastNode.Call(0, Resolve(command, fastNode)));
            if (actual != expected)
            {
                mismatches.Add($"{string.Join(' ', command)}:\n   FastNode {RespReplyScanner.Escape(actual)}\n   Redis    {RespReplyScanner.Escape(expected)}");
            }
        }
        return mismatches;
    }

    [Test]
    public void MisusedClusterSubcommandsGetRedisErrorTextsByteForByte()
    {
        var fastNode = ClusterPair.Start(Processes, Dir, redis: false);
        var redis = ClusterPair.Start(Processes, Dir, redis: true);
        var mismatches = Mismatches(fastNode, redis, Cases);
        Assert.That(mismatches, Is.Empty, string.Join("\n", mismatches));
        // The cases are about errors: most of them must be errors on Redis too, or the list tests the wrong thing.
        int errors = Cases.Count(c => redis.Call(0, Resolve(c, redis)).StartsWith('-'));
        Assert.That(errors, Is.GreaterThan(Cases.Length * 3 / 4));
    }

    [Test]
    public void MisusedSubcommandsOfOtherBranchesGetRedisErrorTexts()
    {
        var fastNode = ClusterPair.Start(Processes, Dir, redis: false);
        var redis = ClusterPair.Start(Processes, Dir, redis: true);
        var mismatches = Mismatches(fastNode, redis, OtherCases);
        // Where the subcommand itself is missing here, FastNode answers "unknown subcommand" (Redis never does for these).
        var missing = mismatches.Where(m => m.Contains("FastNode -ERR unknown subcommand")).ToList();
        if (missing.Count > 0 && missing.Count == mismatches.Count) Assert.Ignore("subcommands not on this branch:\n" + string.Join("\n", missing));
        Assert.That(mismatches.Except(missing), Is.Empty, string.Join("\n", mismatches));
    }
}
