namespace FastNode.IntegrationTests;

/// <summary>
/// A nodes.conf cut short stops start-up with one line that names the file and says what is wrong, and a non-zero
/// exit (the corrupt-line case is in <see cref="ClusterProcessTests"/>).
/// </summary>
[NonParallelizable]
public sealed class ClusterConfigFileTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-clconf-";

    private const string Valid =
        "07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460\n" +
        "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@40002 master - 0 0 2 connected 5461-16383\n" +
        "vars currentEpoch 2 lastVoteEpoch 0\n";

    [TestCase(150, "cut off")]          // in the middle of the second line
    [TestCase(201, "no vars line")]     // after the second line: the vars line is missing
    public void ATruncatedNodesConfStopsStartUpWithOneLine(int keep, string problem)
    {
        string path = Path.Combine(Dir, "nodes.conf");
        File.WriteAllText(path, Valid[..keep]);
        var node = Processes.FastNode(ServerProcesses.FreePort(), $"--dir {Dir} --cluster-enabled yes --cluster-port {ServerProcesses.FreePort()}");
        Assert.That(node.WaitForExit(), Is.Not.Zero);
        var lines = node.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Has.Length.EqualTo(1), node.Log);
        Assert.That(lines[0], Does.Contain(path).And.Contain(problem).And.Contain("truncated"));
    }

    [Test]
    public void TheUntruncatedFileStartsTheNode()
    {
        File.WriteAllText(Path.Combine(Dir, "nodes.conf"), Valid);
        var node = FastNode($"--cluster-enabled yes --cluster-port {ServerProcesses.FreePort()}");
        Assert.That(Probe.Call(node.Port, "CLUSTER", "MYID"), Does.Contain("07c37dfeb235213a872192d90877d0cd55635b91"));
    }
}
