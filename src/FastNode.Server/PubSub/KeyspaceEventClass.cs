namespace FastNode.Server.PubSub;

/// <summary>
/// The classes of notify-keyspace-events, one bit per letter. <see cref="Config.KeyspaceEvents.Parse"/> returns no
/// bits at all unless K or E is set too, so a single AND tells whether an event is wanted.
/// </summary>
[Flags]
public enum KeyspaceEventClass
{
    None = 0,
    /// <summary>K: publish to __keyspace@db__:key with the event as the message.</summary>
    Keyspace = 1 << 0,
    /// <summary>E: publish to __keyevent@db__:event with the key as the message.</summary>
    Keyevent = 1 << 1,
    /// <summary>g: DEL, EXPIRE, RENAME and the other type-independent commands.</summary>
    Generic = 1 << 2,
    /// <summary>$</summary>
    String = 1 << 3,
    /// <summary>l</summary>
    List = 1 << 4,
    /// <summary>s</summary>
    Set = 1 << 5,
    /// <summary>h</summary>
    Hash = 1 << 6,
    /// <summary>z</summary>
    SortedSet = 1 << 7,
    /// <summary>x: a key deleted because its TTL passed.</summary>
    Expired = 1 << 8,
    /// <summary>e: a key evicted by maxmemory.</summary>
    Evicted = 1 << 9,
    /// <summary>t</summary>
    Stream = 1 << 10,
    /// <summary>m: a read that found no key.</summary>
    KeyMiss = 1 << 11,
    /// <summary>d: module key type events; FastNode's native LOCK.*, SEM.*, RL.* and CL.* commands (a module's job in Redis).</summary>
    Module = 1 << 12,
    /// <summary>n: a key added to the database.</summary>
    NewKey = 1 << 13,
}
