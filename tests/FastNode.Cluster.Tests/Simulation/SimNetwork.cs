using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Tests.Simulation;

/// <summary>
/// A seeded in-memory network (memberlist's MockNetwork, with faults): every frame is lost with the configured
/// probability or delivered after a random delay, never across a partition, in time order. Same seed, same run.
/// </summary>
public sealed class SimNetwork(Random random)
{
    private readonly PriorityQueue<(SimHost To, byte[] Frame), (long At, long Order)> _inFlight = new();
    private readonly Dictionary<BusEndpoint, SimHost> _hosts = [];
    private readonly Dictionary<BusEndpoint, int> _side = [];
    private readonly HashSet<(BusEndpoint From, BusEndpoint To)> _oneWayCuts = [];
    private long _order;

    public NetworkConditions Conditions { get; set; } = NetworkConditions.Perfect;

    public long Sent { get; private set; }
    public long Lost { get; private set; }
    public long Delivered { get; private set; }

    public void Attach(SimHost host) => _hosts[host.Endpoint] = host;

    /// <summary>Puts hosts on numbered sides; frames between different sides are dropped. Unlisted hosts are on side 0.</summary>
    public void Partition(params IEnumerable<SimHost>[] sides)
    {
        _side.Clear();
        for (int i = 0; i < sides.Length; i++)
        {
            foreach (var host in sides[i]) _side[host.Endpoint] = i + 1;
        }
    }

    /// <summary>Frames from one host to another are dropped; the other direction still works.</summary>
    public void CutOneWay(SimHost from, SimHost to) => _oneWayCuts.Add((from.Endpoint, to.Endpoint));

    public void Heal()
    {
        _side.Clear();
        _oneWayCuts.Clear();
    }

    private bool Reachable(BusEndpoint from, BusEndpoint to) =>
        _side.GetValueOrDefault(from) == _side.GetValueOrDefault(to) && !_oneWayCuts.Contains((from, to));

    public void Send(SimHost from, BusEndpoint to, byte[] frame, long now)
    {
        Sent++;
        from.FramesSent++;
        if (!_hosts.TryGetValue(to, out var target) || !Reachable(from.Endpoint, to)
            || random.NextDouble() < Conditions.LossRate)
        {
            Lost++;
            return;
        }
        long delay = Conditions.MinDelayMs + random.Next(Conditions.MaxDelayMs - Conditions.MinDelayMs + 1);
        _inFlight.Enqueue((target, frame), (now + delay, ++_order));
    }

    /// <summary>Delivers every frame due by <paramref name="now"/>, oldest first.</summary>
    public void DeliverDue(long now)
    {
        while (_inFlight.TryPeek(out var item, out var key) && key.At <= now)
        {
            _inFlight.Dequeue();
            var to = item.To;
            if (to.State == HostState.Crashed)
            {
                Lost++;
                continue;
            }
            if (to.State == HostState.Paused)
            {
                to.Held.Enqueue(item.Frame);
                continue;
            }
            Delivered++;
            to.Node.Receive(item.Frame);
        }
    }
}
