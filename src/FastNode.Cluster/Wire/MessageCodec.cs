using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>Decodes a payload by message type. Never throws; a payload with bytes left over is malformed.</summary>
public static class MessageCodec
{
    public static FrameRejection TryRead(MessageType type, ReadOnlySpan<byte> payload, FrameLimits limits,
        out IBusMessage? message)
    {
        message = null;
        var r = new WireReader(payload);
        var rejection = FrameRejection.MalformedPayload;
        bool ok = type switch
        {
            MessageType.Ping => TryPing(ref r, limits, out message, out rejection),
            MessageType.Ack => TryAck(ref r, limits, out message, out rejection),
            MessageType.PingRequest => TryPingRequest(ref r, out message),
            MessageType.Nack => TryNack(ref r, out message),
            MessageType.Accusation => TryAccusation(ref r, out message),
            MessageType.FailoverAuthRequest => TryAuthRequest(ref r, limits, out message),
            MessageType.FailoverAuthAck => TryAuthAck(ref r, out message),
            MessageType.StateSync => TryStateSync(ref r, limits, out message, out rejection),
            MessageType.Announce => TryAnnounce(out message),
            MessageType.Gossip => TryGossip(ref r, limits, out message, out rejection),
            MessageType.ManualFailoverStart => TryManualFailoverStart(out message),
            MessageType.ManualFailoverOffset => TryManualFailoverOffset(ref r, out message),
            MessageType.Publish => PublishMessage.TryRead(ref r, limits, out message, out rejection),
            _ => false,
        };
        if (!ok) return Enum.IsDefined(type) ? rejection : FrameRejection.UnknownType;
        if (!r.AtEnd)
        {
            message = null;
            return FrameRejection.MalformedPayload;
        }
        return FrameRejection.None;
    }

    private static bool TryPing(ref WireReader r, FrameLimits limits, out IBusMessage? message, out FrameRejection rejection)
    {
        message = null;
        rejection = FrameRejection.MalformedPayload;
        if (!r.TryU32(out uint seq) || !r.TryId(out var target)) return false;
        if (!GossipCodec.TryReadList(ref r, limits, out var gossip, out rejection)) return false;
        message = new PingMessage(seq, target, gossip);
        return true;
    }

    private static bool TryAck(ref WireReader r, FrameLimits limits, out IBusMessage? message, out FrameRejection rejection)
    {
        message = null;
        rejection = FrameRejection.MalformedPayload;
        if (!r.TryU32(out uint seq)) return false;
        if (!GossipCodec.TryReadList(ref r, limits, out var gossip, out rejection)) return false;
        message = new AckMessage(seq, gossip);
        return true;
    }

    private static bool TryPingRequest(ref WireReader r, out IBusMessage? message)
    {
        message = null;
        if (!r.TryU32(out uint seq) || !r.TryId(out var target) || !r.TryText(out string ip) || !r.TryU16(out ushort port))
        {
            return false;
        }
        message = new PingRequestMessage(seq, target, new BusEndpoint(ip, port));
        return true;
    }

    private static bool TryNack(ref WireReader r, out IBusMessage? message)
    {
        message = null;
        if (!r.TryU32(out uint seq)) return false;
        message = new NackMessage(seq);
        return true;
    }

    private static bool TryAccusation(ref WireReader r, out IBusMessage? message)
    {
        message = null;
        if (!r.TryId(out var suspect) || !r.TryCount64(out long incarnation)) return false;
        message = new AccusationMessage(suspect, incarnation);
        return true;
    }

    private static bool TryAuthRequest(ref WireReader r, FrameLimits limits, out IBusMessage? message)
    {
        message = null;
        if (!r.TryId(out var failed) || !r.TryCount64(out long epoch) || !r.TryU8(out byte force) || force > 1
            || !SlotSetCodec.TryRead(ref r, limits, out var slots))
        {
            return false;
        }
        message = new FailoverAuthRequestMessage(failed, epoch, force == 1, slots);
        return true;
    }

    private static bool TryAuthAck(ref WireReader r, out IBusMessage? message)
    {
        message = null;
        if (!r.TryCount64(out long epoch)) return false;
        long grantAge = 0;
        if (!r.AtEnd && (!r.TryCount64(out grantAge) || grantAge > FailoverAuthAckMessage.NeverGranted)) return false;
        message = new FailoverAuthAckMessage(epoch, grantAge);
        return true;
    }

    private static bool TryStateSync(ref WireReader r, FrameLimits limits, out IBusMessage? message,
        out FrameRejection rejection)
    {
        message = null;
        rejection = FrameRejection.MalformedPayload;
        if (!r.TryU8(out byte isReply) || isReply > 1 || !r.TryU32(out uint count)) return false;
        if (count > limits.MaxSyncMembers)
        {
            rejection = FrameRejection.LimitExceeded;
            return false;
        }
        // Each record is at least 60 bytes; checking first keeps a lying count from sizing the list.
        if (count > (uint)r.Remaining / 60) return false;
        var members = new List<MemberRecord>((int)count);
        for (int i = 0; i < count; i++)
        {
            if (!r.TryId(out var id) || !r.TryCount64(out long incarnation) || !r.TryU8(out byte state)
                || state > (byte)MemberState.Left || !NodeConfigCodec.TryRead(ref r, limits, out var config))
            {
                return false;
            }
            members.Add(new MemberRecord(id, incarnation, (MemberState)state, config!));
        }
        message = new StateSyncMessage(isReply == 1, members);
        return true;
    }

    private static bool TryGossip(ref WireReader r, FrameLimits limits, out IBusMessage? message, out FrameRejection rejection)
    {
        message = null;
        if (!GossipCodec.TryReadList(ref r, limits, out var gossip, out rejection)) return false;
        message = new GossipMessage(gossip);
        return true;
    }

    private static bool TryManualFailoverStart(out IBusMessage? message)
    {
        message = ManualFailoverStartMessage.Instance;
        return true;
    }

    private static bool TryManualFailoverOffset(ref WireReader r, out IBusMessage? message)
    {
        message = null;
        if (!r.TryCount64(out long offset)) return false;
        message = new ManualFailoverOffsetMessage(offset);
        return true;
    }

    private static bool TryAnnounce(out IBusMessage? message)
    {
        message = AnnounceMessage.Instance;
        return true;
    }
}
