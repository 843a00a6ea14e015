namespace FastNode.Cluster.Wire;

/// <summary>Bus message types. Append only: the values are part of the protocol.</summary>
public enum MessageType : byte
{
    Ping = 1,
    Ack = 2,
    PingRequest = 3,
    Nack = 4,
    Accusation = 5,
    FailoverAuthRequest = 6,
    FailoverAuthAck = 7,
    StateSync = 8,
    Announce = 9,
    Gossip = 10,
    ManualFailoverStart = 11,
    ManualFailoverOffset = 12,
    Publish = 13,
}
