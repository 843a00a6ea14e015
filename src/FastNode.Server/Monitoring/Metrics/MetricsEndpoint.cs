using System.Net;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace FastNode.Server.Monitoring.Metrics;

/// <summary>
/// The Prometheus endpoint, http://metrics-bind:metrics-port/metrics, served by prometheus-net's stand-alone
/// MetricServer (HttpListener: no Kestrel, no ASP.NET). Off while metrics-port is 0. Each server has its own registry,
/// so several servers in one process (tests) never mix their series.
/// </summary>
public sealed class MetricsEndpoint : IDisposable
{
    private readonly MetricServer _server;

    private MetricsEndpoint(MetricServer server, string url)
    {
        _server = server;
        Url = url;
    }

    /// <summary>Where the endpoint answers, e.g. http://127.0.0.1:9121/metrics.</summary>
    public string Url { get; }

    /// <summary>Starts the endpoint, or returns null when metrics-port is 0. Throws HttpListenerException when the port is taken.</summary>
    public static MetricsEndpoint? Start(ServerState server)
    {
        int port = server.Options.Monitoring.MetricsPort;
        if (port == 0) return null;
        string host = HostOf(server.Options.Monitoring.MetricsBind, server.Options.Bind);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        _ = new ServerMetrics(server, registry);
        var metricServer = new MetricServer(hostname: host, port: port, url: "metrics/", registry: registry);
        metricServer.Start();
        string url = $"http://{(host == "+" ? "127.0.0.1" : host)}:{port}/metrics";
        server.Loggers.CreateLogger("FastNode").LogInformation("Metrics at {Url}", url);
        return new MetricsEndpoint(metricServer, url);
    }

    /// <summary>
    /// metrics-bind, or else the first address of bind ("-" optional marks dropped); "*", "0.0.0.0" and "::" listen on
    /// every address (HttpListener's "+"), and an IPv6 address goes in brackets.
    /// </summary>
    public static string HostOf(string metricsBind, string bind)
    {
        string address = metricsBind.Trim();
        if (address.Length == 0)
        {
            var first = bind.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "127.0.0.1";
            address = first.TrimStart('-');
        }
        if (address is "*" or "0.0.0.0" or "::" or "::*" or "+") return "+";
        if (address.StartsWith('[')) return address;
        return IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
    }

    public void Dispose() => _server.Dispose();
}
