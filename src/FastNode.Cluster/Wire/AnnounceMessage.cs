namespace FastNode.Cluster.Wire;

/// <summary>
/// An empty message whose header is the point: a replica about to stand for election tells its siblings its
/// replication offset, as Redis broadcasts a PONG to the other replicas of its primary.
/// </summary>
public sealed record AnnounceMessage : IBusMessage
{
    public static AnnounceMessage Instance { get; } = new();

    public MessageType Type => MessageType.Announce;

    public void Write(WireWriter writer) { }
}
