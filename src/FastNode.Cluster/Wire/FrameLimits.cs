namespace FastNode.Cluster.Wire;

/// <summary>
/// Upper bounds the decoder checks before it allocates. Every variable-size field has one; strings are bounded by
/// their one-byte length prefix (255 bytes).
/// </summary>
public sealed record FrameLimits
{
    /// <summary>Largest frame, header and MAC included. A full state sync of 1000 nodes is about 250 KB.</summary>
    public int MaxFrameBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Most gossip items piggy-backed on one Ping or Ack.</summary>
    public int MaxGossipItems { get; init; } = 256;

    /// <summary>Most member records in one state sync (a Redis cluster has at most a few thousand nodes).</summary>
    public int MaxSyncMembers { get; init; } = 16384;

    /// <summary>Most slot ranges in one slot set; beyond 1024 ranges the encoder sends the 2 KB bitmap instead.</summary>
    public int MaxSlotRanges { get; init; } = 1024;

    /// <summary>
    /// Longest channel name plus message one Publish frame carries; a PUBLISH over it reaches only the local
    /// subscribers (the frame itself must stay under <see cref="MaxFrameBytes"/>).
    /// </summary>
    public int MaxPublishBytes { get; init; } = 4 * 1024 * 1024 - 1024;

    public static FrameLimits Default { get; } = new();
}
