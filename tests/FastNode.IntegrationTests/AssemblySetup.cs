namespace FastNode.IntegrationTests;

/// <summary>
/// The server under test runs in this process on the thread pool, while tests drive it with blocking sockets
/// (RawClient) from many threads at once. Raising the pool's minimum keeps those blocked test threads from
/// starving the server's own continuations on this 2-core machine.
/// </summary>
[SetUpFixture]
public sealed class AssemblySetup
{
    [OneTimeSetUp]
    public void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 128), Math.Max(io, 128));
    }

    [OneTimeTearDown]
    public void DeleteTestDirectories() => TestDirectories.DeleteAll();
}
