namespace FastNode.Server.Storage;

/// <summary>
/// How a command looks its key up, after Redis's lookupKeyRead / lookupKeyWrite / LOOKUP_NOTOUCH. Every mode but
/// <see cref="IncludeExpired"/> does lazy expiry: a key past its TTL is deleted and reported absent.
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
    /// Finds the key even past its TTL, with no lazy expiry, counting or stamping: for code that deletes or replaces
    /// it whatever it holds (Redis's dbDelete: RESTORE ... REPLACE, MIGRATE, loading), so an expired key goes without
    /// counting as expired, and for code that decides about an expired key itself (change records, lock timers) and
    /// must not cause the DEL that expiry propagates.
    /// </summary>
    IncludeExpired,
}
