using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// The fixed 64-byte header every bus frame starts with. Besides routing (type, cluster, sender) it carries the
/// sender's view that Redis also puts in every cluster bus header: its currentEpoch (receivers adopt a higher one),
/// a digest of its cluster configuration (a mismatch triggers a state sync) and its replication offset (replicas
/// rank themselves by it before an election).
/// <code>
///  0  magic "FNCB"        4   length of the whole frame (u32, header and MAC included)
///  8  version (u8)        9   message type (u8)   10 flags (u16)
/// 12  cluster id (u64)   20   sender node id (20 bytes)
/// 40  currentEpoch (i64) 48   config digest (u64) 56 replication offset (i64)
/// 64  payload ...        [last 32 bytes: HMAC-SHA256 when flags has Authenticated]
/// </code>
/// The magic and the length never move between versions, so a stream reader can always find frame boundaries.
/// </summary>
public readonly record struct FrameHeader(
    MessageType Type,
    FrameFlags Flags,
    ulong ClusterId,
    NodeId Sender,
    long CurrentEpoch,
    ulong ConfigDigest,
    long ReplicationOffset,
    byte Version = FrameHeader.CurrentVersion)
{
    public const int Size = 64;
    public const int MacSize = 32;
    public const byte CurrentVersion = 1;
    public const byte OldestVersion = 1;

    /// <summary>"FNCB" read as a little-endian u32.</summary>
    public const uint Magic = 0x42434E46;

    /// <summary>Bytes a stream reader needs to learn a frame's length.</summary>
    public const int PrefixSize = 8;
}
