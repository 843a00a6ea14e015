namespace FastNode.IntegrationTests;

/// <summary>
/// What the multi-process test fixtures share: a <see cref="ServerProcesses"/> whose every process is killed by pid in
/// TearDown, a temp directory of the test's own, and starting FastNode or redis-server in it.
/// </summary>
public abstract class ProcessTestBase
{
    protected ServerProcesses Processes { get; private set; } = null!;

    /// <summary>This test's directory (deleted in TearDown).</summary>
    protected string Dir { get; private set; } = null!;

    /// <summary>The temp directory's name prefix (fastnode-repl-, fastnode-aof-...), for finding it when a test leaks.</summary>
    protected abstract string DirPrefix { get; }

    [SetUp]
    public void CreateProcessesAndDirectory()
    {
        Processes = new ServerProcesses();
        Dir = Directory.CreateTempSubdirectory(DirPrefix).FullName;
    }

    [TearDown]
    public void KillProcessesAndDeleteDirectory()
    {
        Processes.Dispose();
        Directory.Delete(Dir, recursive: true);
    }

    /// <summary>A FastNode on a free port, in this test's directory.</summary>
    protected ServerProcesses.Running FastNode(string extra = "") =>
        Processes.FastNode(ServerProcesses.FreePort(), $"--dir {Dir} {extra}").Ready();

    /// <summary>A redis-server on a free port, in this test's directory; skips the test when it is not installed.</summary>
    protected ServerProcesses.Running Redis(string extra = "")
    {
        if (!ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        // Diskless sync starts at once (Redis waits 5 s by default for more replicas to join).
        return Processes.Redis(ServerProcesses.FreePort(), $"--dir {Dir} --repl-diskless-sync-delay 0 {extra}").Ready();
    }
}
