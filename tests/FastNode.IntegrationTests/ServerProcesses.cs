using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastNode.IntegrationTests;

/// <summary>
/// FastNode and redis-server as child processes on loopback ports, for tests about files and crashes. Every process
/// started through an instance is killed by pid in <see cref="Dispose"/> (call it from TearDown), whatever the test did.
/// Output is collected as it comes so a test can read the log even after a kill.
/// </summary>
public sealed class ServerProcesses : IDisposable
{
    private readonly List<Process> _started = [];

    public static string FastNodeDll => Path.Combine(AppContext.BaseDirectory, "FastNode.Server.dll");

    public static bool RedisInstalled => File.Exists("/usr/bin/redis-server");

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A FastNode process; <see cref="Running.Ready"/> waits for it to answer.</summary>
    public Running FastNode(int port, string arguments) => Start("dotnet", $"\"{FastNodeDll}\" --port {port} --bind 127.0.0.1 {arguments}", port);

    /// <summary>A FastNode with extra environment variables (runtime knobs such as DOTNET_GCHeapHardLimit).</summary>
    public Running FastNode(int port, string arguments, IReadOnlyDictionary<string, string> environment) =>
        Start("dotnet", $"\"{FastNodeDll}\" --port {port} --bind 127.0.0.1 {arguments}", port, environment: environment);

    /// <summary>A FastNode process inside a <see cref="NetworkLab"/> namespace, listening on the host's address.</summary>
    public Running FastNodeIn(LabHost host, int port, string arguments) =>
        Start("ip", $"netns exec {host.Namespace} dotnet \"{FastNodeDll}\" --port {port} --bind {host.Address} {arguments}", port, host.Address);

    public Running Redis(int port, string arguments) => Start("/usr/bin/redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" {arguments}", port);

    public static bool SentinelInstalled => File.Exists("/usr/bin/redis-sentinel");

    /// <summary>A redis-sentinel process on the given config file (which it rewrites as it learns).</summary>
    public Running Sentinel(int port, string configFile) => Start("/usr/bin/redis-sentinel", $"\"{configFile}\"", port);

    /// <summary>Runs a tool to its end (bounded) and returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(string file, string arguments, int timeoutMs = 60_000)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {arguments} did not finish in {timeoutMs} ms");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private Running Start(string file, string arguments, int port, string host = "127.0.0.1", IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_started) _started.Add(process);
        return new Running(process, port, log, host);
    }

    public void Dispose()
    {
        lock (_started)
        {
            foreach (var process in _started)
            {
                try
                {
                    if (!process.HasExited) process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
                catch (InvalidOperationException)
                {
                }
                process.Dispose();
            }
            _started.Clear();
        }
    }

    public sealed class Running(Process process, int port, StringBuilder log, string host = "127.0.0.1")
    {
        public Process Process => process;
        public int Port => port;

        /// <summary>The address it listens on: loopback, or a <see cref="NetworkLab"/> host's.</summary>
        public string Host => host;

        /// <summary>host:port, as redis-cli and CLUSTER NODES write it.</summary>
        public string Endpoint => $"{host}:{port}";

        public string Log
        {
            get
            {
                lock (log) return log.ToString();
            }
        }

        /// <summary>Waits (at most 30 s) until PING answers; fails the test if the process exits first.</summary>
        public Running Ready()
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    using var client = RawClient.Connect(host, port);
                    if (client.Call("PING") == "+PONG\r\n") return this;
                }
                catch (Exception ex) when (ex is SocketException or IOException)
                {
                }
                Thread.Sleep(50);
            }
            Assert.Fail($"server on {port} did not start (exited: {process.HasExited}):\n{Log}");
            return this;
        }

        /// <summary>SIGKILL: the process gets no chance to write anything more.</summary>
        public void Kill9()
        {
            using var kill = Process.Start("kill", $"-KILL {process.Id}")!;
            kill.WaitForExit();
            process.WaitForExit(10_000);
        }

        /// <summary>SIGSTOP: the process stays, frozen (its sockets accept but nothing answers) until <see cref="Resume"/>.</summary>
        public void Pause() => Signal("STOP");

        /// <summary>SIGCONT after <see cref="Pause"/> (harmless when not paused: call it from finally).</summary>
        public void Resume() => Signal("CONT");

        private void Signal(string name)
        {
            using var kill = Process.Start("kill", $"-{name} {process.Id}")!;
            kill.WaitForExit();
        }

        /// <summary>SIGTERM and a bounded wait for a clean exit.</summary>
        public void Stop()
        {
            using var kill = Process.Start("kill", $"-TERM {process.Id}")!;
            kill.WaitForExit();
            Assert.That(process.WaitForExit(20_000), Is.True, "server did not stop after SIGTERM");
        }

        /// <summary>Waits (bounded) for the process to exit on its own; returns its exit code.</summary>
        public int WaitForExit(int timeoutMs = 30_000)
        {
            Assert.That(process.WaitForExit(timeoutMs), Is.True, "process did not exit");
            process.WaitForExit();
            return process.ExitCode;
        }
    }
}
