namespace FastNode.IntegrationTests;

/// <summary>
/// ioredis's cluster client (Node.js, tests/clients/ioredis, installed by scripts/test.sh) against three FastNode
/// primaries: it learns the slot map, its keys land on every primary, and it follows ASK while a slot migrates and
/// MOVED once the slot has moved. The script checks each step itself and prints "ok ..." lines; the same script
/// passes against redis-server in cluster mode.
/// </summary>
[NonParallelizable]
public sealed class IoredisClusterTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-ioredis-";

    [Test]
    public void IoredisClusterClientFollowsTheSlotMapAskAndMoved()
    {
        string scripts = ClientScripts.Directory("ioredis");
        var cluster = new LocalCluster(Processes, Dir);
        cluster.FormPrimaries();

        var (exitCode, output) = ServerProcesses.Run("node", $"\"{Path.Combine(scripts, "cluster-smoke.js")}\" {cluster.Nodes[0].Port}", timeoutMs: 90_000);

        Assert.That(exitCode, Is.Zero, output + "\n" + cluster.Logs());
        Assert.That(output, Does.Contain("ok keys spread over 3 primaries"));
        Assert.That(output, Does.Match(@"ok followed ASK \d+ times"));
        Assert.That(output, Does.Contain("ok followed MOVED"));
    }
}
