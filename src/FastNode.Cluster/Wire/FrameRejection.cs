namespace FastNode.Cluster.Wire;

/// <summary>Why a received frame was dropped. Local only (never sent), so values may change.</summary>
public enum FrameRejection
{
    None = 0,
    /// <summary>Fewer bytes than the header, or than the length field announces.</summary>
    Truncated,
    /// <summary>The first four bytes are not the bus magic: not a FastNode bus frame at all.</summary>
    BadMagic,
    /// <summary>The length field is over the configured maximum.</summary>
    TooLarge,
    /// <summary>The length field is smaller than a header, or disagrees with the bytes received.</summary>
    BadLength,
    /// <summary>A protocol version this node does not speak yet.</summary>
    NewerVersion,
    /// <summary>A protocol version older than any this node accepts.</summary>
    OlderVersion,
    /// <summary>The frame belongs to another cluster.</summary>
    WrongCluster,
    /// <summary>This node has a shared secret and the frame carries no MAC.</summary>
    MissingMac,
    /// <summary>The MAC does not verify, or a MAC came although this node has no secret.</summary>
    BadMac,
    /// <summary>A message type this version does not define.</summary>
    UnknownType,
    /// <summary>The payload does not parse, or has bytes left over.</summary>
    MalformedPayload,
    /// <summary>A count inside the payload (gossip items, members, slot ranges) is over its limit.</summary>
    LimitExceeded,
}
