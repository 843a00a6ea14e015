using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastNode.IntegrationTests.Rdb;

/// <summary>
/// A process a test starts (redis-server, redis-check-rdb, a FastNode executable): output captured as it comes,
/// killed by pid on Dispose if still running, so a failing test leaves nothing behind.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(string fileName, string arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        return new ChildProcess(Process.Start(info)!);
    }

    /// <summary>redis-server on 127.0.0.1 and <paramref name="port"/>, files in <paramref name="dir"/>, no save rules.</summary>
    public static ChildProcess StartRedis(int port, string dir) =>
        Start("redis-server", $"--port {port} --bind 127.0.0.1 --dir {dir} --save \"\" --appendonly no", dir);

    /// <summary>The FastNode executable built next to the tests.</summary>
    public static ChildProcess StartFastNode(int port, string dir, string extra = "") =>
        Start("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "FastNode.Server.dll")}\" --port {port} --dir {dir} {extra}", dir);

    /// <summary>Waits (bounded) for the process to exit; false if it did not.</summary>
    public bool WaitForExit(int milliseconds)
    {
        if (!_process.WaitForExit(milliseconds)) return false;
        _process.WaitForExit();   // drains the output readers
        return true;
    }

    /// <summary>Waits (bounded) until the server answers PING on the port.</summary>
    public void WaitUntilReady(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var client = RawClient.Connect(port);
                string reply = client.Call("PING");
                if (reply == "+PONG\r\n" || reply.StartsWith("-NOAUTH", StringComparison.Ordinal)) return;
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
            }
            Thread.Sleep(50);
        }
        Assert.Fail($"server on {port} did not start; exited={_process.HasExited}\n{Output}");
    }

    /// <summary>SIGKILL, as kill -9.</summary>
    public void KillHard()
    {
        using var kill = Process.Start("kill", $"-KILL {_process.Id}")!;
        kill.WaitForExit();
        _process.WaitForExit(10_000);
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, name)));

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
