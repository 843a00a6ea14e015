namespace FastNode.Cluster.Wire;

/// <summary>Bits in a frame header. Append only: the values are part of the protocol.</summary>
[Flags]
public enum FrameFlags : ushort
{
    None = 0,

    /// <summary>The last 32 bytes are an HMAC-SHA256 of everything before them.</summary>
    Authenticated = 1,

    /// <summary>
    /// On an Ack: the sender considers the recipient a primary in good standing (owns its slots in the sender's
    /// slot map, not FAIL, no vote given against it). Counts toward the recipient's write lease.
    /// </summary>
    LeaseGrant = 2,
}
