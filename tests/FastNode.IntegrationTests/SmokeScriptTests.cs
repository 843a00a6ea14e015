using System.Diagnostics;

namespace FastNode.IntegrationTests;

/// <summary>
/// Runs scripts/smoke-redis-cli.sh --compare: the same redis-cli transcript against redis-server 7.0 and a FastNode
/// process built in Release, which must be identical. Ignored when redis-server or redis-cli is not installed.
/// </summary>
public sealed class SmokeScriptTests
{
    [Test]
    public void RedisCliTranscriptMatchesRedisServer()
    {
        if (!OnPath("redis-server") || !OnPath("redis-cli")) Assert.Ignore("redis-server and redis-cli are needed to compare against Redis");
        var root = RepositoryRoot();
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(root, "scripts", "smoke-redis-cli.sh"));
        start.ArgumentList.Add("--compare");
        // Free ports rather than the script's defaults, which another run on this machine may hold.
        start.Environment["REDIS_PORT"] = ServerProcesses.FreePort().ToString();
        start.Environment["FASTNODE_PORT"] = ServerProcesses.FreePort().ToString();
#if !DEBUG
        // This test run just built the server in Release (it is a dependency of this project): use that build.
        start.ArgumentList.Add("--no-build");
#endif
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the smoke script did not finish within 5 minutes");
        }
        string output = stdout.Result + stderr.Result;
        Assert.That(process.ExitCode, Is.EqualTo(0), "redis-server and FastNode transcripts differ:\n" + output);
        Assert.That(stdout.Result, Does.StartWith("identical: "));
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, tool)));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "smoke-redis-cli.sh"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("scripts/smoke-redis-cli.sh not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
