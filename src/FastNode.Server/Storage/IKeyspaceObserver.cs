namespace FastNode.Server.Storage;

/// <summary>
/// Told of changes that no command asked for: a key deleted because its TTL passed (lazily on access, or by the active
/// cycle). Called with the key's shard lock held, so the call must be short and must not take other shard locks.
/// </summary>
public interface IKeyspaceObserver
{
    void KeyExpired(Database db, byte[] key);

    /// <summary>A key was deleted to stay under maxmemory: propagated as a DEL, notified as "evicted".</summary>
    void KeyEvicted(Database db, byte[] key) => KeyExpired(db, key);

    /// <summary>A key was added to the database (Redis's dbAdd: a new key, a RENAME or MOVE destination...).</summary>
    void KeyAdded(Database db, ReadOnlySpan<byte> key) { }

    /// <summary>A read lookup (Lookup.Read or NoTouch) found no key.</summary>
    void KeyMissed(Database db, ReadOnlySpan<byte> key) { }

    /// <summary>
    /// A change made on behalf of a blocked client while another command ran (a pop that served it): recorded after
    /// that command's own record. Called with the key's shard lock held.
    /// </summary>
    void ServedWaiter(Database db, scoped ref Persistence.ChangeRecord record);

    /// <summary>
    /// The keyspace event of a sorted-set pop made for a blocked client (zpopmin, zpopmax), or the generic "del" when
    /// that pop emptied the key. Called with the key's shard lock held.
    /// </summary>
    void ServedWaiterEvent(Database db, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key, bool generic) { }

    /// <summary>A stream event made for a blocked XREADGROUP (its consumer created). Called with the key's shard lock held.</summary>
    void ServedStreamWaiterEvent(Database db, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key) { }

    /// <summary>Runs a change that no command carries (a wake deferred past EXEC) as a writer of its own.</summary>
    void RunAsWriter(Action change);
}
