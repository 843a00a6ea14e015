namespace FastNode.Server.Storage;

/// <summary>
/// How a command looks its key up, after Redis's lookupKeyRead / lookupKeyWrite / LOOKUP_NOTOUCH. Every mode but
/// <see cref="Raw"/> does lazy expiry: a key past its TTL is deleted and reported absent.
/// </summary>
public enum Lookup : byte
{
    /// <summary>A read (GET, HGET...): counts a keyspace hit or miss and stamps the access time.</summary>
    Read,
    /// <summary>A write (SET, HSET...): stamps the access time and leaves the hit/miss counters alone.</summary>
    Write,
    /// <summary>A look that is not an access (EXISTS, TYPE, TTL, OBJECT): counts a hit or miss, leaves the access time.</summary>
    NoTouch,
    /// <summary>Neither counts nor stamps (internal reads: DUMP for MIGRATE, the commands that only test presence).</summary>
    Peek,
    /// <summary>
    /// Like <see cref="Peek"/> but without lazy expiry: the key as stored, even past its TTL, for code that decides
    /// about an expired key itself (change records, lock timers) and must not cause the DEL that expiry propagates.
    /// </summary>
    Raw,
}
