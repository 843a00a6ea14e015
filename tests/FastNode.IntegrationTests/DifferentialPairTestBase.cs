namespace FastNode.IntegrationTests;

/// <summary>
/// A fixture comparing one FastNode and one redis-server 7.0 through a <see cref="DifferentialPair"/> started once for
/// the fixture, with both emptied by FLUSHALL before each test.
/// </summary>
public abstract class DifferentialPairTestBase
{
    private protected DifferentialPair Pair { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartBoth()
    {
        if (!ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        Pair = new DifferentialPair();
    }

    [OneTimeTearDown]
    public void StopBoth() => Pair?.Dispose();

    [SetUp]
    public void Flush() => Pair.Both("FLUSHALL");
}
