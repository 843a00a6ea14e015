using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Membership;

/// <summary>
/// Plain SWIM (no cluster layer) for membership tests: N <see cref="SwimMembership"/>s exchanging message objects
/// through a queue with a 2 ms hop, a drop rule, and a shared millisecond clock.
/// </summary>
internal sealed class SwimHarness
{
    private sealed class Sender(SwimHarness harness, int from) : IMembershipSender
    {
        public void Send(NodeId to, BusEndpoint endpoint, IBusMessage message) => harness.Enqueue(from, endpoint, message);
    }

    public sealed class Events : IMembershipEvents
    {
        public List<string> Log { get; } = [];
        public void MemberAlive(Member member, bool joined) => Log.Add($"alive {member.Id.Short}");
        public void MemberSuspected(Member member, NodeId accuser) => Log.Add($"suspect {member.Id.Short}");
        public void MemberDead(Member member) => Log.Add($"dead {member.Id.Short}");
        public void DeclaredDead(Member member, DeadItem verdict) => Log.Add($"declared {member.Id.Short}");
        public void MemberLeft(Member member) => Log.Add($"left {member.Id.Short}");
        public void ProbeFailed(Member member) => Log.Add($"probe-failed {member.Id.Short}");
    }

    private readonly List<(long At, int From, int To, IBusMessage Message)> _queue = [];
    private readonly Dictionary<BusEndpoint, int> _byEndpoint = [];

    public SwimHarness(int count, MembershipOptions? options = null, int seed = 1)
    {
        Options = options ?? new MembershipOptions();
        var random = new Random(seed);
        var records = new List<MemberRecord>();
        for (int i = 0; i < count; i++)
        {
            var id = NodeId.NewRandom(random);
            var config = NodeConfig.NewPrimary(new NodeAddress($"10.0.0.{i}", 6379, 16379), id);
            var events = new Events();
            Nodes.Add(new SwimMembership(id, config, Options, new Sender(this, i), events, null, new Random(random.Next()), Now));
            EventsOf.Add(events);
            records.Add(new MemberRecord(id, 0, MemberState.Alive, config));
            _byEndpoint[config.Address.Bus] = i;
        }
        foreach (var node in Nodes) node.Merge(records, node.Self.Id, Now);
        foreach (var e in EventsOf) e.Log.Clear();
    }

    public MembershipOptions Options { get; }

    public List<SwimMembership> Nodes { get; } = [];

    public List<Events> EventsOf { get; } = [];

    public long Now { get; private set; } = 1;

    /// <summary>Nodes that neither run nor receive.</summary>
    public HashSet<int> Down { get; } = [];

    /// <summary>Drop rule: (from, to) → drop.</summary>
    public Func<int, int, bool> Drop { get; set; } = (_, _) => false;

    /// <summary>Messages sent, by type.</summary>
    public Dictionary<MessageType, int> Sent { get; } = [];

    private void Enqueue(int from, BusEndpoint endpoint, IBusMessage message)
    {
        Sent[message.Type] = Sent.GetValueOrDefault(message.Type) + 1;
        if (!_byEndpoint.TryGetValue(endpoint, out int to) || Drop(from, to)) return;
        _queue.Add((Now + 2, from, to, message));
    }

    public void RunFor(long ms)
    {
        long end = Now + ms;
        while (Now < end)
        {
            Now += 1;
            var due = _queue.Where(q => q.At <= Now).ToList();
            _queue.RemoveAll(q => q.At <= Now);
            foreach (var (_, from, to, message) in due)
            {
                if (Down.Contains(to)) continue;
                var node = Nodes[to];
                var sender = Nodes[from].Self.Id;
                node.Heard(sender, Now);
                switch (message)
                {
                    case PingMessage ping: node.HandlePing(sender, ping, Now); break;
                    case AckMessage ack: node.HandleAck(sender, ack, Now); break;
                    case PingRequestMessage request: node.HandlePingRequest(sender, request, Now); break;
                    case NackMessage nack: node.HandleNack(nack); break;
                    case GossipMessage gossip: node.HandleGossip(gossip, Now); break;
                }
            }
            if (Now % 10 != 0) continue;
            for (int i = 0; i < Nodes.Count; i++)
            {
                if (!Down.Contains(i)) Nodes[i].Tick(Now);
            }
        }
    }

    public int CountSeeing(int subject, MemberState state) =>
        Nodes.Where((n, i) => i != subject && !Down.Contains(i)).Count(n => n.Find(Nodes[subject].Self.Id)!.State == state);
}
