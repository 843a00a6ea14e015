using StackExchange.Redis;

namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// A library test fixture run once against FastNode and once against redis-server (<paramref name="kind"/>), with two
/// independent connections, as two application servers sharing one lock or limit would have; every test starts on an
/// empty dataset.
/// </summary>
public abstract class TwoClientLibraryTestBase(string kind)
{
    private protected LibraryTarget Server = null!;
    private protected ConnectionMultiplexer First = null!;
    private protected ConnectionMultiplexer Second = null!;

    [OneTimeSetUp]
    public void Start()
    {
        Server = LibraryTarget.Start(kind);
        First = Server.Connect();
        Second = Server.Connect();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        First.Dispose();
        Second.Dispose();
        await Server.DisposeAsync();
    }

    [SetUp]
    public void Flush() => First.GetServer(Server.EndPoint).FlushAllDatabases();
}
