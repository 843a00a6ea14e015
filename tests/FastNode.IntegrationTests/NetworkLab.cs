using System.Diagnostics;

namespace FastNode.IntegrationTests;

/// <summary>
/// Network namespaces for partition tests: each host is a namespace of its own with one address on a bridge in the
/// root namespace (10.x.y.11, .12, ...), so a server started there listens on a port no other test uses, and the test
/// process reaches every host through the bridge. <see cref="Cut"/> partitions two hosts from each other with blackhole
/// routes in both namespaces (their packets to each other are dropped; the test still reaches both), and
/// <see cref="HealAll"/> removes every cut. <see cref="Dispose"/> deletes the namespaces and the bridge; a lab left
/// behind by a killed test run is deleted by the next <see cref="Create"/> (names carry the creating pid).
/// Needs root and iproute2; <see cref="Available"/> says whether this machine allows it.
/// </summary>
public sealed class NetworkLab : IDisposable
{
    private const string Prefix = "fnlab";

    private readonly string _bridge;
    private readonly HashSet<(int, int)> _cuts = [];
    private bool _disposed;

    private NetworkLab(string bridge, IReadOnlyList<LabHost> hosts)
    {
        _bridge = bridge;
        Hosts = hosts;
    }

    public IReadOnlyList<LabHost> Hosts { get; }

    /// <summary>Whether namespaces can be made here (root and `ip`); tests Assert.Ignore otherwise.</summary>
    public static bool Available => Environment.UserName == "root" && IpTool is not null;

    private static string? IpTool => File.Exists("/usr/sbin/ip") ? "/usr/sbin/ip" : File.Exists("/sbin/ip") ? "/sbin/ip" : null;

    /// <summary>A bridge and <paramref name="count"/> namespaces on a random 10.x.y.0/24; undone by Dispose even if a step fails.</summary>
    public static NetworkLab Create(int count)
    {
        DeleteStaleLabs();
        int pid = Environment.ProcessId;
        string tag = $"{pid}{Random.Shared.Next(10)}";
        string subnet = $"10.{200 + Random.Shared.Next(50)}.{Random.Shared.Next(1, 250)}";
        string bridge = $"{Prefix}b{tag}";
        var hosts = new List<LabHost>();
        var lab = new NetworkLab(bridge, hosts);
        try
        {
            Ip($"link add {bridge} type bridge");
            Ip($"addr add {subnet}.1/24 dev {bridge}");
            Ip($"link set {bridge} up");
            for (int i = 0; i < count; i++)
            {
                string ns = $"{Prefix}-{tag}-{i}", veth = $"{Prefix}v{tag}x{i}";
                string address = $"{subnet}.{11 + i}";
                Ip($"netns add {ns}");
                hosts.Add(new LabHost(ns, address));
                Ip($"link add {veth} type veth peer name eth0 netns {ns}");
                Ip($"link set {veth} master {bridge} up");
                Ip($"-n {ns} addr add {address}/24 dev eth0");
                Ip($"-n {ns} link set eth0 up");
                Ip($"-n {ns} link set lo up");
            }
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>Drops all traffic between hosts <paramref name="a"/> and <paramref name="b"/>, both ways.</summary>
    public void Cut(int a, int b)
    {
        if (!_cuts.Add((Math.Min(a, b), Math.Max(a, b)))) return;
        Ip($"-n {Hosts[a].Namespace} route add blackhole {Hosts[b].Address}/32");
        Ip($"-n {Hosts[b].Namespace} route add blackhole {Hosts[a].Address}/32");
    }

    /// <summary>Cuts host <paramref name="a"/> off from every other host (the test process still reaches it).</summary>
    public void Isolate(int a)
    {
        for (int b = 0; b < Hosts.Count; b++)
        {
            if (b != a) Cut(a, b);
        }
    }

    /// <summary>Removes every cut.</summary>
    public void HealAll()
    {
        foreach (var (a, b) in _cuts)
        {
            Ip($"-n {Hosts[a].Namespace} route del blackhole {Hosts[b].Address}/32");
            Ip($"-n {Hosts[b].Namespace} route del blackhole {Hosts[a].Address}/32");
        }
        _cuts.Clear();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Deleting a namespace deletes its end of the veth pair, and with it the bridge's end.
        foreach (var host in Hosts) TryIp($"netns del {host.Namespace}");
        TryIp($"link del {_bridge}");
    }

    private static void DeleteStaleLabs()
    {
        var (_, namespaces) = Run("netns list");
        var (_, links) = Run("-o link show type bridge");
        foreach (var line in namespaces.Split('\n').Concat(links.Split('\n')))
        {
            // "fnlab-<pid><digit>-<i> (id: 3)" or "12: fnlabb<pid><digit>: <BROADCAST..."
            int start = line.IndexOf(Prefix, StringComparison.Ordinal);
            if (start < 0) continue;
            string name = line[start..].Split(' ', ':')[0];
            string digits = new(name[(Prefix.Length)..].TrimStart('-', 'b').TakeWhile(char.IsDigit).ToArray());
            if (digits.Length < 2 || !int.TryParse(digits[..^1], out int pid) || ProcessAlive(pid)) continue;
            TryIp(name.Contains('-') ? $"netns del {name}" : $"link del {name}");
        }
    }

    private static bool ProcessAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static void Ip(string arguments)
    {
        var (code, output) = Run(arguments);
        if (code != 0) throw new InvalidOperationException($"ip {arguments}: {output.Trim()}");
    }

    private static void TryIp(string arguments) => Run(arguments);

    private static (int Code, string Output) Run(string arguments)
    {
        var info = new ProcessStartInfo(IpTool ?? "ip", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000)) process.Kill();
        return (process.ExitCode, output);
    }
}

/// <summary>One namespace of a <see cref="NetworkLab"/> and its address on the bridge.</summary>
public sealed record LabHost(string Namespace, string Address);
