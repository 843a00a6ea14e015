using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Wire;

/// <summary>One valid instance of every message type, for round trips and as seeds for mutation.</summary>
internal static class WireSamples
{
    public static readonly NodeId A = NodeId.Parse("07c37dfeb235213a872192d90877d0cd55635b91");
    public static readonly NodeId B = NodeId.Parse("67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1");

    public static NodeConfig Config(bool scattered = false) => new()
    {
        Address = new NodeAddress("127.0.0.1", 30001, 40001, "host-1"),
        ShardId = A,
        ConfigEpoch = 7,
        Slots = scattered ? SlotSet.FromSlots(Enumerable.Range(0, 16384).Where(s => s % 3 == 0)) : SlotSet.Range(0, 5460),
    };

    public static IEnumerable<IBusMessage> All()
    {
        var gossip = new List<GossipItem>
        {
            new AliveItem(A, 3, Config()),
            new SuspectItem(B, 1, A),
            new DeadItem(B, 2, A),
            new LeftItem(A, 9),
        };
        yield return new PingMessage(42, B, gossip);
        yield return new PingMessage(1, NodeId.None, []);
        yield return new AckMessage(42, gossip);
        yield return new PingRequestMessage(5, B, new BusEndpoint("10.0.0.2", 16379));
        yield return new NackMessage(5);
        yield return new AccusationMessage(B, 4);
        yield return new FailoverAuthRequestMessage(B, 3, false, Config(scattered: true).Slots);
        yield return new FailoverAuthAckMessage(12);
        yield return new FailoverAuthAckMessage(13, 1500);
        yield return new FailoverAuthAckMessage(14, FailoverAuthAckMessage.NeverGranted);
        yield return ManualFailoverStartMessage.Instance;
        yield return new ManualFailoverOffsetMessage(4242);
        yield return new StateSyncMessage(true,
            [new MemberRecord(A, 3, MemberState.Alive, Config()), new MemberRecord(B, 1, MemberState.Dead, Config(true))]);
        yield return AnnounceMessage.Instance;
        yield return new GossipMessage(gossip);
        yield return new PublishMessage(false, "room:1"u8.ToArray(), "hello"u8.ToArray());
        yield return new PublishMessage(true, [], [0, 255, 13, 10]);
    }

    public static FrameHeader Header(IBusMessage message, ulong clusterId) =>
        new(message.Type, FrameFlags.LeaseGrant, clusterId, A, 17, 0xDEADBEEF, 123456);
}
