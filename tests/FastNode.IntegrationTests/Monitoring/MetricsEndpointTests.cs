using System.Text.Json;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Monitoring;

/// <summary>
/// The /metrics endpoint of a real FastNode process (metrics-port): scraped while clients run a bounded load, each
/// scrape parsed by a strict Prometheus text parser; the Grafana dashboard under docs/ names only metrics it serves.
/// </summary>
public sealed class MetricsEndpointTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-metrics-";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private (ServerProcesses.Running Server, string Url) StartWithMetrics()
    {
        int metricsPort = ServerProcesses.FreePort();
        var server = FastNode($"--metrics-port {metricsPort}");
        return (server, $"http://127.0.0.1:{metricsPort}/metrics");
    }

    private static async Task<PrometheusText> Scrape(string url)
    {
        using var response = await Http.GetAsync(url);
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task ScrapesUnderLoadParseAndCountersOnlyGrow()
    {
        var (server, url) = StartWithMetrics();
        using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},allowAdmin=true,tiebreaker=");
        var db = redis.GetDatabase();
        const int Writers = 2, PerWriter = 3000;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var load = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < PerWriter && DateTime.UtcNow < deadline; i++)
            {
                await db.StringSetAsync($"k:{w}:{i % 100}", "v");
                await db.StringGetAsync($"k:{w}:{(i + 1) % 100}");
                if (i % 500 == 0) await db.ExecuteAsync("NOSUCHCOMMAND").ContinueWith(_ => { });
            }
        })).ToArray();
        double lastSets = 0;
        int scrapes = 0;
        while (!Task.WhenAll(load).IsCompleted && scrapes < 20)
        {
            var during = await Scrape(url);
            double sets = during.Samples.Where(s => s.Name == "fastnode_commands_total" && s.Labels["cmd"] == "set").Sum(s => s.Value);
            Assert.That(sets, Is.GreaterThanOrEqualTo(lastSets), "a counter never goes back");
            lastSets = sets;
            scrapes++;
        }
        await Task.WhenAll(load);
        var after = await Scrape(url);
        Assert.That(after.Value("fastnode_commands_total", ("cmd", "set")), Is.EqualTo(Writers * PerWriter));
        Assert.That(after.Value("fastnode_commands_total", ("cmd", "get")), Is.EqualTo(Writers * PerWriter));
        Assert.That(after.Value("fastnode_command_duration_seconds_count", ("cmd", "get")), Is.EqualTo(Writers * PerWriter));
        Assert.That(after.Value("fastnode_command_duration_seconds_bucket", ("cmd", "get"), ("le", "+Inf")), Is.EqualTo(Writers * PerWriter));
        Assert.That(after.Value("fastnode_error_replies_total", ("prefix", "ERR")), Is.GreaterThanOrEqualTo(Writers));
        Assert.That(after.Value("fastnode_keyspace_hits_total") + after.Value("fastnode_keyspace_misses_total"), Is.EqualTo(Writers * PerWriter));
        Assert.That(after.Value("fastnode_keys", ("db", "0")), Is.EqualTo(Writers * 100));
        Assert.That(after.Value("fastnode_connected_clients"), Is.GreaterThanOrEqualTo(1));
        Assert.That(after.Value("fastnode_memory_rss_bytes"), Is.GreaterThan(0));
        Assert.That(after.Types["fastnode_command_duration_seconds"], Is.EqualTo("histogram"));

        // CONFIG RESETSTAT zeroes INFO's counters; the exported counters keep growing from where they were.
        await db.ExecuteAsync("CONFIG", "RESETSTAT");
        await db.StringSetAsync("k", "v");
        var reset = await Scrape(url);
        Assert.That(reset.Value("fastnode_commands_total", ("cmd", "set")), Is.EqualTo(Writers * PerWriter + 1));
    }

    [Test]
    public async Task DashboardNamesOnlyServedMetrics()
    {
        var (_, url) = StartWithMetrics();
        var served = await Scrape(url);
        string path = Path.Combine(RepositoryRoot(), "docs", "grafana-dashboard.json");
        using var dashboard = JsonDocument.Parse(File.ReadAllText(path));
        var expressions = new List<string>();
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            foreach (var target in panel.GetProperty("targets").EnumerateArray()) expressions.Add(target.GetProperty("expr").GetString()!);
        Assert.That(expressions, Is.Not.Empty);
        var named = new HashSet<string>();
        foreach (var expr in expressions)
        {
            var names = Regex.Matches(expr, @"\bfastnode_[a-z0-9_]+").Select(m => m.Value).ToList();
            Assert.That(names, Is.Not.Empty, $"'{expr}' names no FastNode metric");
            foreach (var name in names)
            {
                Assert.That(served.FamilyOf(name), Is.Not.Null, $"'{expr}' names {name}, which /metrics does not serve");
                named.Add(served.FamilyOf(name)!);
            }
        }
        Assert.That(served.Types.Keys.Where(k => k.StartsWith("fastnode_")).Except(named), Is.Empty, "every served metric is on the dashboard");
    }

    [Test]
    public void MetricsPortTakenFailsStartUp()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet",
            $"\"{ServerProcesses.FastNodeDll}\" --port {ServerProcesses.FreePort()} --metrics-port {port} --dir {Dir}")
        { RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            Assert.That(process.WaitForExit(60_000), Is.True, "start-up must fail, not hang");
            Assert.That(process.ExitCode, Is.EqualTo(1));
            Assert.That(process.StandardError.ReadToEnd(), Does.Contain($"Could not serve metrics on port {port}"));
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FastNode.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("FastNode.sln not found above the test binaries");
    }
}
