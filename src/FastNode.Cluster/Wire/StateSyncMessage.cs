namespace FastNode.Cluster.Wire;

/// <summary>
/// Anti-entropy push-pull (memberlist's pushPull): the sender's whole member table. A request is answered with the
/// receiver's table, so both sides merge. Sent on join (CLUSTER MEET) and when config digests keep disagreeing.
/// </summary>
public sealed record StateSyncMessage(bool IsReply, IReadOnlyList<MemberRecord> Members) : IBusMessage
{
    public MessageType Type => MessageType.StateSync;

    public void Write(WireWriter writer)
    {
        writer.U8(IsReply ? (byte)1 : (byte)0);
        writer.U32((uint)Members.Count);
        foreach (var m in Members)
        {
            writer.Id(m.Id);
            writer.I64(m.Incarnation);
            writer.U8((byte)m.State);
            NodeConfigCodec.Write(writer, m.Config);
        }
    }
}
