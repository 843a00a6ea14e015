using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using FastNode.Protocol;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;

namespace FastNode.Server.PubSub;

/// <summary>
/// Keyspace notifications (notify-keyspace-events): an event about a key becomes a PUBLISH to
/// <c>__keyspace@db__:key</c> (message: the event) and/or <c>__keyevent@db__:event</c> (message: the key), through
/// the ordinary pub/sub registry, on this node only (as in Redis, also in cluster mode). With notifications off, a
/// command pays one AND of the setting's bits (<see cref="Wants"/>).
/// </summary>
public sealed class KeyspaceNotifier(ServerOptions options, PubSubRegistry pubsub)
{
    // The writer handed to the registry when no command is running (expiry, the store's own events): nobody's reply
    // is written, because there is no publisher whose subscription could be served in place.
    private static readonly NullBufferWriter NoReply = new();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Wants(KeyspaceEventClass eventClass) => (options.KeyspaceEvents & eventClass) != 0;

    /// <summary>
    /// Publishes an event raised by a command of <paramref name="session"/>: if that client is subscribed to it, its
    /// copy goes into <paramref name="own"/> ahead of the command's reply, as Redis orders it.
    /// </summary>
    public void Publish(KeyspaceEventClass eventClass, ReadOnlySpan<byte> eventName, int db, ReadOnlySpan<byte> key,
        ClientSession? session, ref RespWriter own)
    {
        var flags = options.KeyspaceEvents;
        if ((flags & eventClass) == 0) return;
        // "__keyevent@" + db + "__:" + the longer of key and event name.
        int size = 32 + Math.Max(key.Length, eventName.Length);
        byte[]? rented = null;
        Span<byte> channel = size <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            if ((flags & KeyspaceEventClass.Keyspace) != 0)
            {
                int length = Channel("__keyspace@"u8, db, key, channel);
                pubsub.Publish(channel[..length], eventName, shard: false, session, ref own);
            }
            if ((flags & KeyspaceEventClass.Keyevent) != 0)
            {
                int length = Channel("__keyevent@"u8, db, eventName, channel);
                pubsub.Publish(channel[..length], key, shard: false, session, ref own);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Publishes an event no client's command raised (expiry, the store's new-key and key-miss events).</summary>
    public void Publish(KeyspaceEventClass eventClass, ReadOnlySpan<byte> eventName, int db, ReadOnlySpan<byte> key)
    {
        if (!Wants(eventClass)) return;
        var writer = new RespWriter(NoReply, false);
        Publish(eventClass, eventName, db, key, null, ref writer);
    }

    private static int Channel(ReadOnlySpan<byte> prefix, int db, ReadOnlySpan<byte> suffix, Span<byte> channel)
    {
        prefix.CopyTo(channel);
        int length = prefix.Length;
        Utf8Formatter.TryFormat(db, channel[length..], out int digits);
        length += digits;
        "__:"u8.CopyTo(channel[length..]);
        length += 3;
        suffix.CopyTo(channel[length..]);
        return length + suffix.Length;
    }
}
