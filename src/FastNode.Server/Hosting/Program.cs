using System.Net.Sockets;
using FastNode.Server.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Hosting;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Run socket continuations on the epoll threads: the one setting that moves unpipelined throughput
        // (PERF-NOTES). Must be set before the first socket is created; an explicit environment value wins.
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

        List<KeyValuePair<string, string>> settings;
        var options = new ServerOptions();
        try
        {
            settings = ConfigLoader.Load(args, out var configFile);
            options.ConfigFile = configFile ?? "";
            // Validate early so a bad setting is one line, not a stack trace.
            var probed = new ServerOptions();
            var probe = new ConfigRegistry(probed);
            foreach (var (name, value) in settings)
            {
                if (probe.Load(name, value) is { } error) throw new ConfigException($"'{name} {value}': {error}");
                if (name == "loglevel") options.LogLevel = value;
            }
            // The socket engine reads its thread count once, when the first socket is created (after this). With the
            // epoll engine it only accepts connections: one thread is plenty.
            if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT") is null)
                Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", (probed.UsesEpoll ? 1 : probed.IoThreads).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (ConfigException ex)
        {
            Console.Error.WriteLine($"FATAL CONFIG ERROR: {ex.Message}");
            return 1;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(options.LogLevel switch
        {
            "debug" or "verbose" => LogLevel.Debug,
            "warning" => LogLevel.Warning,
            "nothing" => LogLevel.None,
            _ => LogLevel.Information,
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        builder.Services.AddSingleton(sp => new ServerHost(options, loggers: sp.GetRequiredService<ILoggerFactory>(), settings: settings));
        builder.Services.AddHostedService<FastNodeService>();
        builder.Services.AddSingleton<IHostLifetime, SignalLifetime>();
        using var host = builder.Build();
        var server = host.Services.GetRequiredService<ServerHost>();
        // SHUTDOWN stops the whole process the way SIGTERM does (FastNodeService then stops the server).
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        server.State.ShutdownHandler = lifetime.StopApplication;
        // Like Redis with appendonly no: the dataset in dir/dbfilename is loaded before any client is served.
        if (!server.State.Config.TryGet("appendonly", out var appendOnly) || appendOnly.Get() != "yes")
        {
            try
            {
                Persistence.Rdb.RdbFile.LoadAtStartup(server.State);
            }
            catch (Exception ex) when (ex is Persistence.Rdb.RdbFormatException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"Fatal error loading the DB ({server.State.Options.RdbPath}): {ex.Message}. Exiting.");
                return 1;
            }
        }
        // Bind now, so a port in use is one line and exit code 1; accept only once the host runs (FastNodeService), when
        // SIGTERM already means a clean shutdown rather than the default kill.
        try
        {
            server.Bind();
        }
        catch (SocketException ex)
        {
            Console.Error.WriteLine($"Could not listen on {options.Bind}:{options.Port} (or its cluster bus port): {ex.Message}");
            return 1;
        }
        catch (System.Net.HttpListenerException ex)
        {
            Console.Error.WriteLine($"Could not serve metrics on port {options.Monitoring.MetricsPort}: {ex.Message}");
            return 1;
        }
        catch (Network.Tls.TlsConfigException ex)
        {
            // Redis's two lines: what is wrong, then that TLS could not be configured.
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine("Failed to configure TLS. Check logs for more info.");
            return 1;
        }
        catch (FastNode.Server.Cluster.ClusterConfigException ex)
        {
            Console.Error.WriteLine($"Unrecoverable error: corrupted cluster config file {ex.Message}");
            return 1;
        }

        try
        {
            await server.LoadAsync().ConfigureAwait(false);
        }
        catch (Persistence.Aof.AofLoadException ex)
        {
            Console.Error.WriteLine($"FATAL: {ex.Message}");
            return 1;
        }

        await host.RunAsync().ConfigureAwait(false);
        return 0;
    }
}
