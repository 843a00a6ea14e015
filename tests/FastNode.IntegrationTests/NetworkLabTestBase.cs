namespace FastNode.IntegrationTests;

/// <summary>
/// Tests that run cluster nodes as real processes inside network namespaces (<see cref="NetworkLab"/>). On failure the
/// nodes' logs are written out; in TearDown every process is killed by pid before the namespaces are deleted.
/// </summary>
public abstract class NetworkLabTestBase : ProcessTestBase
{
    protected NetworkLab? Lab;
    protected readonly List<ServerProcesses.Running> Nodes = [];

    [SetUp]
    public void RequireNamespaces()
    {
        Nodes.Clear();
        if (!NetworkLab.Available) Assert.Ignore("network namespaces need root and iproute2");
        if (!File.Exists("/usr/bin/redis-cli")) Assert.Ignore("redis-cli is not installed");
    }

    [TearDown]
    public void DeleteLab()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            foreach (var node in Nodes) TestContext.Out.WriteLine($"--- node {node.Endpoint} (exited: {node.Process.HasExited})\n{node.Log}");
        }
        // NUnit runs this before the base class's TearDown: kill the processes before their namespaces go.
        Processes.Dispose();
        Lab?.Dispose();
        Lab = null;
    }
}
