namespace FastNode.Server.Persistence;

/// <summary>
/// A consumer of the change feed's bytes (the AOF writer, the replication backlog). <see cref="Write"/> is called with
/// the feed's append lock held, in feed order: copy the bytes and return; never block.
/// </summary>
public interface IFeedSink
{
    void Write(ReadOnlySpan<byte> records);
}
