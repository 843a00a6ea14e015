using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// A replica asks primaries for their vote (Redis FAILOVER_AUTH_REQUEST). The election epoch is the header's
/// currentEpoch; ClaimedConfigEpoch and Slots are the failed primary's, so a voter can refuse a stale claim.
/// </summary>
public sealed record FailoverAuthRequestMessage(NodeId FailedPrimary, long ClaimedConfigEpoch, bool Force, SlotSet Slots)
    : IBusMessage
{
    public MessageType Type => MessageType.FailoverAuthRequest;

    public void Write(WireWriter writer)
    {
        writer.Id(FailedPrimary);
        writer.I64(ClaimedConfigEpoch);
        writer.U8(Force ? (byte)1 : (byte)0);
        SlotSetCodec.Write(writer, Slots);
    }
}
