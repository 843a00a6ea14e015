using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FastNode.IntegrationTests;

/// <summary>The real executable: start-up, configuration sources, port conflicts and SIGTERM.</summary>
[NonParallelizable]
public sealed class HostingTests
{
    private static string ServerDll => Path.Combine(AppContext.BaseDirectory, "FastNode.Server.dll");

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Process Launch(string arguments, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet", $"\"{ServerDll}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // A private working directory: the default dir, where SIGTERM's save writes dump.rdb (and start-up loads it).
            WorkingDirectory = TestDirectories.Create("fastnode-host-"),
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return Process.Start(info)!;
    }

    /// <summary>Waits (bounded) until the server answers PING on the port.</summary>
    private static void WaitUntilReady(int port, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var client = RawClient.Connect(port);
                if (client.Call("PING") == "+PONG\r\n") return;
            }
            catch (SocketException)
            {
            }
            Thread.Sleep(100);
        }
        Assert.Fail($"server did not start on {port}; exited={process.HasExited}");
    }

    private static void Terminate(Process process)
    {
        using var kill = Process.Start("kill", $"-TERM {process.Id}")!;
        kill.WaitForExit();
    }

    /// <summary>
    /// Launches a server on <paramref name="port"/>, runs <paramref name="whileUp"/> once it answers, then stops it with
    /// SIGTERM and waits (bounded) for it to exit. Returns the exited process (exit code, output); on any failure the
    /// process is killed and disposed.
    /// </summary>
    private static Process RunUntilSigterm(int port, string arguments, Action<Process> whileUp)
    {
        var server = Launch($"--port {port} {arguments}");
        try
        {
            WaitUntilReady(port, server);
            whileUp(server);
            Terminate(server);
            Assert.That(server.WaitForExit(15_000), Is.True, "server did not stop after SIGTERM");
            return server;
        }
        catch
        {
            if (!server.HasExited) server.Kill();
            server.Dispose();
            throw;
        }
    }

    [Test]
    public void StartsServesAndExitsZeroOnSigterm()
    {
        int port = FreePort();
        using var server = RunUntilSigterm(port, "", _ =>
        {
            using var client = RawClient.Connect(port);
            Assert.That(client.Call("SET", "k", "v"), Is.EqualTo("+OK\r\n"));
        });
        Assert.That(server.ExitCode, Is.EqualTo(0));
        string output = server.StandardOutput.ReadToEnd();
        Assert.That(output, Does.Contain("Ready to accept connections on 127.0.0.1:" + port));
        Assert.That(output, Does.Contain("pid " + server.Id));
    }

    [Test]
    public void PortInUseIsOneLineAndNonZeroExit()
    {
        var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        try
        {
            int port = ((IPEndPoint)blocker.LocalEndpoint).Port;
            using var server = Launch($"--port {port}");
            Assert.That(server.WaitForExit(30_000), Is.True);
            Assert.That(server.ExitCode, Is.Not.EqualTo(0));
            string error = server.StandardError.ReadToEnd().Trim();
            Assert.That(error, Does.Contain("Address already in use"));
            Assert.That(error.Split('\n'), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.Not.Contain("   at "));
        }
        finally
        {
            blocker.Stop();
        }
    }

    [TestCase("epoll", "epoll loop", "3 epoll threads")]
    [TestCase("sockets", ".NET Sockets", "3 socket threads")]
    public void IoThreadsSetsTheNumberOfEventLoopThreads(string engine, string threadName, string logged)
    {
        int port = FreePort();
        using var server = RunUntilSigterm(port, $"--io-threads 3 --io-engine {engine}", running =>
        {
            using var client = RawClient.Connect(port);
            Assert.That(client.Call("CONFIG", "GET", "io-threads"), Is.EqualTo("*2\r\n$10\r\nio-threads\r\n$1\r\n3\r\n"));
            Assert.That(client.Call("CONFIG", "SET", "io-threads", "2"),
                Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'io-threads') - can't set immutable config\r\n"));
            Assert.That(client.Call("CONFIG", "GET", "io-engine"), Is.EqualTo($"*2\r\n$9\r\nio-engine\r\n${engine.Length}\r\n{engine}\r\n"));
            // Both engines start all their threads by the time the first client is served. The epoll loops have
            // names of their own ("epoll loop 0".."2"), counted once each: a thread a loop starts (the thread pool
            // injecting a worker) carries its creator's name for a moment. The runtime's socket threads all share
            // one name.
            var names = Directory.GetDirectories($"/proc/{running.Id}/task").Select(t => File.ReadAllText(Path.Combine(t, "comm")).Trim())
                .Where(n => n.StartsWith(threadName, StringComparison.Ordinal)).ToList();
            Assert.That(engine == "epoll" ? names.Distinct().Count() : names.Count, Is.EqualTo(3), string.Join(", ", names));
        });
        Assert.That(server.StandardOutput.ReadToEnd(), Does.Contain(logged), () => $"exit {server.ExitCode}, stderr: {server.StandardError.ReadToEnd()}");
    }

    [Test]
    public void BadSettingIsOneLineAndNonZeroExit()
    {
        using var server = Launch("--maxclients lots");
        Assert.That(server.WaitForExit(30_000), Is.True);
        Assert.That(server.ExitCode, Is.Not.EqualTo(0));
        Assert.That(server.StandardError.ReadToEnd().Trim(), Is.EqualTo("FATAL CONFIG ERROR: 'maxclients lots': argument couldn't be parsed into an integer"));
    }

    [Test]
    public void ConfigFileEnvironmentAndFlagsApplyInThatOrder()
    {
        int port = FreePort();
        string file = Path.GetTempFileName();
        File.WriteAllLines(file, ["# test config", $"port {port}", "maxclients 111", "timeout 5", "hz 20"]);
        var env = new Dictionary<string, string> { ["FASTNODE_MAXCLIENTS"] = "222", ["FASTNODE_TIMEOUT"] = "6" };
        using var server = Launch($"\"{file}\" --timeout 7", env);
        try
        {
            WaitUntilReady(port, server);
            using var client = RawClient.Connect(port);
            Assert.That(client.Call("CONFIG", "GET", "maxclients"), Is.EqualTo("*2\r\n$10\r\nmaxclients\r\n$3\r\n222\r\n"));
            Assert.That(client.Call("CONFIG", "GET", "timeout"), Is.EqualTo("*2\r\n$7\r\ntimeout\r\n$1\r\n7\r\n"));
            Assert.That(client.Call("CONFIG", "GET", "hz"), Is.EqualTo("*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"));
            Terminate(server);
            Assert.That(server.WaitForExit(15_000), Is.True);
        }
        finally
        {
            if (!server.HasExited) server.Kill();
            File.Delete(file);
        }
    }
}
