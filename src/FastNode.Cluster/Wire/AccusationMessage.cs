using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// A Redis failure report, sent directly to the few nodes that count reports for the suspect: "my own probes of
/// Suspect at this incarnation failed". The sender is the reporter.
/// </summary>
public sealed record AccusationMessage(NodeId Suspect, long Incarnation) : IBusMessage
{
    public MessageType Type => MessageType.Accusation;

    public void Write(WireWriter writer)
    {
        writer.Id(Suspect);
        writer.I64(Incarnation);
    }
}
