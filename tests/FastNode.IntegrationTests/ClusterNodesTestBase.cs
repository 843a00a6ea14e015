namespace FastNode.IntegrationTests;

/// <summary>
/// Tests that start FastNode cluster nodes as processes, each with its own directory and a bus port of its own
/// (redis-cli learns it from CLUSTER NODES, so it need not be port + 10000); a failed test prints every node's log.
/// The processes are killed by pid in ProcessTestBase's TearDown.
/// </summary>
public abstract class ClusterNodesTestBase : ProcessTestBase
{
    private protected readonly List<ServerProcesses.Running> Nodes = [];
    private protected readonly Dictionary<int, int> Buses = [];

    [SetUp]
    public void ForgetPreviousNodes()
    {
        Nodes.Clear();
        Buses.Clear();
    }

    [TearDown]
    public void PrintLogsOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed) return;
        foreach (var node in Nodes) TestContext.Out.WriteLine($"--- node {node.Port} (exited: {node.Process.HasExited})\n{node.Log}");
    }

    /// <summary>Starts node <paramref name="index"/> in cluster mode (node timeout 5 s) and returns its client port.</summary>
    private protected int StartNode(int index, string extra = "")
    {
        int port = ServerProcesses.FreePort();
        string dir = Path.Combine(Dir, $"node{index}");
        Directory.CreateDirectory(dir);
        int bus = ServerProcesses.FreePort();
        Buses[port] = bus;
        Nodes.Add(Processes.FastNode(port, $"--dir {dir} --cluster-enabled yes --cluster-port {bus} --cluster-node-timeout 5000 {extra}").Ready());
        return port;
    }
}
