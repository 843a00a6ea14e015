using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>"Probe Target for me" (SWIM's ping-req): sent to k members when a direct probe got no Ack in time.</summary>
public sealed record PingRequestMessage(uint Sequence, NodeId Target, BusEndpoint TargetEndpoint) : IBusMessage
{
    public MessageType Type => MessageType.PingRequest;

    public void Write(WireWriter writer)
    {
        writer.U32(Sequence);
        writer.Id(Target);
        writer.Text(TargetEndpoint.Ip);
        writer.U16((ushort)TargetEndpoint.Port);
    }
}
