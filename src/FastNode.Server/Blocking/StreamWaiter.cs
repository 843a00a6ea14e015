using FastNode.Protocol;
using FastNode.Server.Storage.Streams;

namespace FastNode.Server.Blocking;

/// <summary>
/// A client blocked in XREAD or XREADGROUP with BLOCK: queued on every stream it reads in its database's
/// <see cref="StreamWaiters"/>. The waker (a command that added entries to one of the streams, or destroyed a group)
/// claims it, renders its reply with that key open, and completes it; the connection then writes the reply.
/// </summary>
public sealed class StreamWaiter : KeyedWaiter
{
    private readonly StreamWaiters _registry;
    private byte[]? _reply;

    /// <param name="keys">Copies of the stream keys, in argument order.</param>
    /// <param name="after">Per key, the ID the entries must follow (XREAD); unused for a group.</param>
    /// <param name="count">Most entries per stream (Redis uses 1000 when COUNT was not given).</param>
    public StreamWaiter(StreamWaiters registry, byte[][] keys, StreamId[] after, long count, byte[]? group, byte[]? consumer,
        bool noAck, bool resp3, long deadlineMs)
        : base(keys, deadlineMs)
    {
        _registry = registry;
        After = after;
        Count = count;
        Group = group;
        Consumer = consumer;
        NoAck = noAck;
        Resp3 = resp3;
    }

    public StreamId[] After { get; }
    public long Count { get; }
    public byte[]? Group { get; }
    public byte[]? Consumer { get; }
    public bool NoAck { get; }
    public bool Resp3 { get; }

    /// <summary>Stores the reply rendered by the waker (after <see cref="BlockedCommand.TryClaim"/>).</summary>
    internal void SetReply(byte[] reply) => _reply = reply;

    public int IndexOfKey(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < Keys.Length; i++)
        {
            if (Keys[i].AsSpan().SequenceEqual(key)) return i;
        }
        return -1;
    }

    protected override void OnCancelled() => _registry.Remove(this);

    public override void WriteReply(ref RespWriter writer)
    {
        if (!IsGranted || _reply is null) writer.WriteNullArray();
        else writer.WriteRaw(_reply);
    }
}
