namespace FastNode.Cluster.Wire;

/// <summary>
/// A PUBLISH (or, with <see cref="Shard"/>, an SPUBLISH) passed on over the bus, as Redis 7.0 sends
/// CLUSTERMSG_TYPE_PUBLISH / PUBLISHSHARD: the receiving node delivers it to its own subscribers. Channel and message
/// are opaque bytes. Layout: u8 shard (0 or 1), u32 channel length, channel, u32 message length, message.
/// </summary>
public sealed record PublishMessage(bool Shard, byte[] Channel, byte[] Message) : IBusMessage
{
    public MessageType Type => MessageType.Publish;

    public void Write(WireWriter writer)
    {
        writer.U8(Shard ? (byte)1 : (byte)0);
        writer.U32((uint)Channel.Length);
        writer.Bytes(Channel);
        writer.U32((uint)Message.Length);
        writer.Bytes(Message);
    }

    /// <summary>Whether a channel and message of these sizes fit in one frame (a larger PUBLISH stays local).</summary>
    public static bool Fits(int channelBytes, int messageBytes, FrameLimits limits) =>
        (long)channelBytes + messageBytes <= limits.MaxPublishBytes;

    internal static bool TryRead(ref WireReader r, FrameLimits limits, out IBusMessage? message, out FrameRejection rejection)
    {
        message = null;
        rejection = FrameRejection.MalformedPayload;
        if (!r.TryU8(out byte shard) || shard > 1 || !r.TryU32(out uint channelLength)) return false;
        // Both lengths are checked against what is left before anything is allocated.
        if (channelLength > (uint)r.Remaining || !r.TryBytes((int)channelLength, out var channel)) return false;
        if (!r.TryU32(out uint messageLength) || messageLength > (uint)r.Remaining) return false;
        if ((long)channelLength + messageLength > limits.MaxPublishBytes)
        {
            rejection = FrameRejection.LimitExceeded;
            return false;
        }
        if (!r.TryBytes((int)messageLength, out var payload)) return false;
        message = new PublishMessage(shard == 1, channel.ToArray(), payload.ToArray());
        return true;
    }
}
