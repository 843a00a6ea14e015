using FastNode.Server.Persistence;
using FastNode.Server.PubSub;
using FastNode.Server.Storage;

namespace FastNode.Server;

/// <summary>
/// What the store reports without a command asking (<see cref="IKeyspaceObserver"/>), sent where the server wants it:
/// expiry and eviction go to the change feed (as a DEL) and to keyspace notifications, new keys and read misses to
/// notifications only, served waiters to both and deferred wakes to the feed. Expiry and eviction also invalidate the
/// key for CLIENT TRACKING.
/// </summary>
public sealed class ServerKeyspaceObserver(ChangeFeed feed, KeyspaceNotifier notifier, Tracking.Tracker tracking) : IKeyspaceObserver
{
    private readonly IKeyspaceObserver _feed = feed;

    public void KeyExpired(Database db, byte[] key)
    {
        _feed.KeyExpired(db, key);
        notifier.Publish(KeyspaceEventClass.Expired, "expired"u8, db.Index, key);
        if (tracking.Active) tracking.InvalidateKey(key, null);
    }

    public void KeyEvicted(Database db, byte[] key)
    {
        _feed.KeyEvicted(db, key);
        notifier.Publish(KeyspaceEventClass.Evicted, "evicted"u8, db.Index, key);
        if (tracking.Active) tracking.InvalidateKey(key, null);
    }

    public void KeyAdded(Database db, ReadOnlySpan<byte> key) => notifier.Publish(KeyspaceEventClass.NewKey, "new"u8, db.Index, key);

    public void KeyMissed(Database db, ReadOnlySpan<byte> key) => notifier.Publish(KeyspaceEventClass.KeyMiss, "keymiss"u8, db.Index, key);

    public void ServedWaiter(Database db, scoped ref ChangeRecord record) => _feed.ServedWaiter(db, ref record);

    public void ServedWaiterEvent(Database db, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key, bool generic) =>
        notifier.Publish(generic ? KeyspaceEventClass.Generic : KeyspaceEventClass.SortedSet, eventName, db.Index, key);

    public void ServedStreamWaiterEvent(Database db, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key) =>
        notifier.Publish(KeyspaceEventClass.Stream, eventName, db.Index, key);

    public void RunAsWriter(Action change) => _feed.RunAsWriter(change);
}
