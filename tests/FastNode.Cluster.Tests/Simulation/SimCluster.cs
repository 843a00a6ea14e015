using FastNode.Cluster.Config;
using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;
using FastNode.Cluster.State;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Simulation;

/// <summary>
/// N real <see cref="ClusterNode"/>s on a simulated clock and network. Built as a running cluster (every node
/// knows every other, slots assigned in ranges with distinct epochs, as redis-cli --cluster create leaves it), then
/// driven step by step: deliveries, ticks, and optional invariant checks. Seeded: the same setup gives the same run.
/// </summary>
public sealed class SimCluster
{
    private readonly Random _random;
    private readonly List<SimHost> _hosts = [];

    public SimCluster(SimSetup setup)
    {
        Setup = setup;
        _random = new Random(setup.Seed);
        Network = new SimNetwork(new Random(setup.Seed * 7919 + 1)) { Conditions = setup.Network };

        var records = new List<MemberRecord>();
        var ids = Enumerable.Range(0, setup.Nodes).Select(_ => NodeId.NewRandom(_random)).ToList();
        for (int p = 0; p < setup.Primaries; p++)
        {
            int first = p * KeySlot.SlotCount / setup.Primaries;
            int last = (p + 1) * KeySlot.SlotCount / setup.Primaries - 1;
            var primaryId = ids[p];
            records.Add(new MemberRecord(primaryId, 0, MemberState.Alive, new NodeConfig
            {
                Address = AddressOf(p), ShardId = primaryId, ConfigEpoch = p + 1, Slots = SlotSet.Range(first, last),
            }));
            for (int r = 0; r < setup.ReplicasPerPrimary; r++)
            {
                int index = setup.Primaries + p * setup.ReplicasPerPrimary + r;
                records.Add(new MemberRecord(ids[index], 0, MemberState.Alive, new NodeConfig
                {
                    Address = AddressOf(index), Role = NodeRole.Replica, PrimaryId = primaryId, ShardId = primaryId,
                    ConfigEpoch = p + 1,
                }));
            }
        }
        records.Sort((a, b) => ids.IndexOf(a.Id).CompareTo(ids.IndexOf(b.Id)));
        for (int i = 0; i < records.Count; i++)
        {
            var node = CreateNode(i, records[i].Id, records[i].Config, out var transport);
            var host = new SimHost(i, node, _random.Next(setup.TickMs));
            transport.Host = host;
            host.Node.Seed(records);
            _hosts.Add(host);
            Network.Attach(host);
        }
    }

    public SimSetup Setup { get; }

    public SimClock Clock { get; } = new();

    public SimNetwork Network { get; }

    public IReadOnlyList<SimHost> Hosts => _hosts;

    public IEnumerable<SimHost> Running => _hosts.Where(h => h.IsRunning);

    public IEnumerable<SimHost> Primaries => _hosts.Where(h => h.Node.Config.IsPrimary);

    public long Now => Clock.NowMs;

    /// <summary>Writes accepted for one slot by two nodes at the same instant, counted over all checks.</summary>
    public int WriteConflicts { get; private set; }

    public List<string> ConflictLog { get; } = [];

    public SimHost HostOf(NodeId id) => _hosts.First(h => h.Id == id);

    public static NodeAddress AddressOf(int index) =>
        new($"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}", 6379, 16379);

    // The transport needs its host (to count sends) and the host needs the node: the caller ties the two.
    private ClusterNode CreateNode(int index, NodeId id, NodeConfig config, out SimTransport transport,
        ClusterOptions? options = null)
    {
        transport = new SimTransport(Network, Clock);
        return new ClusterNode(id, config, options ?? Setup.Options, transport, Clock, new Random(_random.Next()),
            Setup.Replication?.Invoke(index));
    }

    /// <summary>Starts a fresh node that knows nobody (an empty primary), as a new process before CLUSTER MEET.</summary>
    public SimHost AddNode(ClusterOptions? options = null)
    {
        int index = _hosts.Count;
        var id = NodeId.NewRandom(_random);
        var node = CreateNode(index, id, NodeConfig.NewPrimary(AddressOf(index), id), out var transport, options);
        var host = new SimHost(index, node, Now + 1);
        transport.Host = host;
        _hosts.Add(host);
        Network.Attach(host);
        return host;
    }

    // ---- running ------------------------------------------------------------------------------------------

    /// <summary>Advances time by <paramref name="ms"/>; <paramref name="check"/> runs every <paramref name="checkEveryMs"/>.</summary>
    public void RunFor(long ms, Action? check = null, int checkEveryMs = 100) => RunUntil(() => false, ms, check, checkEveryMs);

    /// <summary>Runs until the condition holds (checked every step) or <paramref name="maxMs"/> passes; returns the time taken or -1.</summary>
    public long RunUntil(Func<bool> condition, long maxMs, Action? check = null, int checkEveryMs = 100)
    {
        long start = Now;
        long end = Now + maxMs;
        long nextCheck = Now + checkEveryMs;
        while (Now < end)
        {
            Step();
            if (check is not null && Now >= nextCheck)
            {
                check();
                nextCheck += checkEveryMs;
            }
            if (condition()) return Now - start;
        }
        return -1;
    }

    private void Step()
    {
        long now = Now + Setup.StepMs;
        Clock.AdvanceTo(now);
        Network.DeliverDue(now);
        foreach (var host in _hosts)
        {
            if (!host.IsRunning) continue;
            while (host.NextTickAt <= now)
            {
                host.Node.Tick();
                host.NextTickAt += Setup.TickMs;
            }
        }
    }

    // ---- faults -------------------------------------------------------------------------------------------

    public void Crash(SimHost host)
    {
        host.State = HostState.Crashed;
        host.Held.Clear();
    }

    /// <summary>Starts a crashed host again from what its nodes.conf would have held at the crash.</summary>
    public void Restart(SimHost host, NodesConf savedConf)
    {
        var myself = savedConf.Myself!;
        var node = CreateNode(host.Index, myself.Id, NodesConfMapping.ToConfig(myself), out var transport);
        node.Seed(NodesConfMapping.OtherMembers(savedConf));
        node.RestoreEpochs(savedConf.CurrentEpoch, savedConf.LastVoteEpoch);
        host.Node = node;
        transport.Host = host;
        host.State = HostState.Running;
        host.NextTickAt = Now + 1;
    }

    public void Pause(SimHost host) => host.State = HostState.Paused;

    public void Resume(SimHost host)
    {
        host.State = HostState.Running;
        host.NextTickAt = Math.Max(host.NextTickAt, Now);
        while (host.Held.TryDequeue(out var frame)) host.Node.Receive(frame);
    }

    // ---- invariants and measurements ----------------------------------------------------------------------

    /// <summary>
    /// The safety check: no slot is writable on two running nodes at once (writable = owns the slot in its own map,
    /// cluster_state ok, lease held: what the server will check before a write).
    /// </summary>
    public void CheckSingleWriter()
    {
        var writer = new int[KeySlot.SlotCount];
        Array.Fill(writer, -1);
        foreach (var host in _hosts)
        {
            if (!host.IsRunning || !host.Node.Config.IsPrimary) continue;
            foreach (int slot in host.Node.Config.Slots.Slots())
            {
                if (!host.Node.CanWrite(slot)) continue;
                if (writer[slot] >= 0 && writer[slot] != host.Index)
                {
                    WriteConflicts++;
                    if (ConflictLog.Count < 20) ConflictLog.Add($"t={Now} slot {slot}: #{writer[slot]} and #{host.Index}");
                }
                writer[slot] = host.Index;
            }
        }
    }

    /// <summary>Every running node has the same config digest and slot map, and cluster_state ok.</summary>
    public bool Converged()
    {
        var running = Running.ToList();
        var first = running[0].Node;
        foreach (var host in running)
        {
            if (host.Node.ConfigDigest != first.ConfigDigest || host.Node.Health != ClusterHealth.Ok) return false;
        }
        return running.All(h => h.Node.SlotMap.CountDifferences(first.SlotMap) == 0);
    }

    /// <summary>How many running nodes see the member in one of the states.</summary>
    public int CountObservers(NodeId subject, params MemberState[] states) =>
        Running.Count(h => h.Id != subject && h.Node.Membership.Find(subject) is { } m && states.Contains(m.State));

    public long TotalDeathsDeclared => _hosts.Sum(h => h.Node.Membership.Counters.DeathsDeclared);

    public long TotalFramesSent => _hosts.Sum(h => h.FramesSent);
}
