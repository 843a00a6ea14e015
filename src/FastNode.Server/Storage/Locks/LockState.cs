using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage.Locks;

/// <summary>
/// The value of a lock key (<see cref="Entry.Kind"/> == <see cref="ValueKind.Lock"/>): a lease-based mutex (LOCK.*,
/// one permit) or a counting semaphore (SEM.*, N permits), with its holders and its FIFO of blocked waiters.
///
/// What must stay true:
/// 1. Every member runs with <see cref="_home"/>'s lock held (the callers' <see cref="KeyHandle"/> holds it). <see cref="_home"/> never changes for the life of the
///    object; if the key is moved to another shard (RENAME, MOVE) the first lock command there copies the holders
///    into a fresh state (<see cref="CloneInto"/>) and the waiters left behind are answered nil.
/// 2. Waiters are queued only while every permit is held, so a new acquirer never overtakes them (strict FIFO).
/// 3. Key TTL: without waiters it is the latest holder deadline, so ordinary lazy/active expiry frees the lock.
///    With waiters the key has no TTL (it must not vanish under them) and <see cref="_timer"/>, due at the earliest
///    holder deadline, expires that lease and hands the permit to the next live waiter at that instant (the
///    server runs it as a writer, see <see cref="ILeaseTimerHandler"/>).
///    <see cref="Sync"/> restores this after every change; a state with no holder and no waiter is deleted.
/// 4. Deleting or overwriting the key (DEL, SET, FLUSHDB) detaches the object: its waiters are answered nil when the
///    timer next fires (at the deleted lease's deadline at the latest), never granted a lock that no key represents.
///
/// States that never had a waiter are referenced by their entry only, so after a release they go back to a small
/// per-thread pool with their owner buffers (no allocation per acquire/release cycle besides the key itself).
/// </summary>
public sealed class LockState : ICopyableValue
{
    public const long MinTtlMs = 1;
    public const long MaxTtlMs = 24L * 60 * 60 * 1000;
    public const int MaxPermits = 1024;

    private const int PoolCapacity = 16;
    private const int MaxRetainedOwnerBytes = 4096;

    private static readonly TimerCallback s_onTimer = static s =>
    {
        var state = (LockState)s!;
        state._services.Timers.OnLeaseTimer(state);
    };

    [ThreadStatic] private static LockState[]? t_pool;
    [ThreadStatic] private static int t_pooled;

    private LockServices _services = null!;   // the server's token counter, clock and timer handler
    private Shard _home = null!;               // the shard whose lock guards this object (fixed, see rule 1)
    private byte[] _key = null!;               // the entry's own key array (not a copy), to find the entry again
    private ulong _hash;                       // hash of _key
    private LockHolder[] _holders = new LockHolder[1];   // first _holderCount slots are live; the rest keep spare buffers
    private int _holderCount;
    private LockWaiter? _head, _tail;          // FIFO of waiters, oldest first
    private int _waiterCount;
    private ITimer? _timer;                    // armed only while waiters exist
    private long _timerDeadline;               // Unix ms the timer is armed for (0 = unknown, re-arm)
    private bool _everQueued;                  // a waiter object may still point here: never pool

    private LockState()
    {
    }

    public int Permits { get; private set; }
    public bool IsSemaphore { get; private set; }
    public int HolderCount => _holderCount;
    public int WaiterCount => _waiterCount;

    public ref readonly LockHolder Holder(int index) => ref _holders[index];

    /// <summary>The counters of this state's family (locks or semaphores).</summary>
    public LockFamilyStats Stats => _services.Stats.Family(IsSemaphore);

    /// <summary>
    /// The lock or semaphore at the opened key, taken over if the key was moved and settled: leases whose deadline
    /// passed are dropped and their permits handed to waiters. Null when the key is missing, or holds something else
    /// (then <paramref name="wrongType"/>, also for a lock opened as a semaphore and the reverse).
    /// Call <see cref="Sync"/> afterwards.
    /// </summary>
    public static LockState? Open(in KeyHandle key, long now, bool semaphore, out bool wrongType)
    {
        var found = key.Get<LockState>(ValueKind.Lock, out wrongType);
        if (found is null) return null;
        if (found.IsSemaphore != semaphore)
        {
            wrongType = true;
            return null;
        }
        var state = found.Attach(key);
        state.Settle(now);
        return state;
    }

    /// <summary>
    /// Like <see cref="Open"/> for either kind (a lock or a semaphore): LOCK.FENCED checks a token against whichever
    /// the key holds. Null when the key is missing or holds another type (then <paramref name="wrongType"/>).
    /// </summary>
    public static LockState? OpenAnyKind(in KeyHandle key, long now, out bool wrongType)
    {
        var found = key.Get<LockState>(ValueKind.Lock, out wrongType);
        if (found is null) return null;
        var state = found.Attach(key);
        state.Settle(now);
        return state;
    }

    /// <summary>Stores a new, free lock state at the opened key, which must be absent, and returns it.</summary>
    public static LockState Add(ref KeyHandle key, LockServices services, bool semaphore, int permits)
    {
        var state = Rent();
        state._services = services;
        state._home = key.Shard;
        state._hash = key.Hash;
        state.Permits = permits;
        state.IsSemaphore = semaphore;
        key.Add(ValueKind.Lock, state);
        state._key = key.Stored.Key!;
        return state;
    }

    /// <summary>
    /// Grants <paramref name="owner"/> a permit. An owner that already holds one keeps its token and gets its lease
    /// reset to <paramref name="ttlMs"/> from now (re-entrant acquire). Returns the token, 0 when all permits are
    /// held or others are queued, -1 when the token space is exhausted.
    /// </summary>
    public long TryAcquire(ReadOnlySpan<byte> owner, long ttlMs, long now)
    {
        int j = IndexOfHolder(owner);
        if (j >= 0)
        {
            _holders[j].Deadline = now + ttlMs;
            return _holders[j].Token;
        }
        if (_holderCount >= Permits || _head is not null) return 0;
        long token = _services.Tokens.Next();
        if (token == 0) return -1;
        AddHolder(owner, token, now + ttlMs);
        Interlocked.Increment(ref Stats.GrantsCount);
        return token;
    }

    /// <summary>Drops <paramref name="owner"/>'s lease and hands the permit to the next waiter. False if it holds none.</summary>
    public bool Release(ReadOnlySpan<byte> owner, long now)
    {
        int j = IndexOfHolder(owner);
        if (j < 0) return false;
        RemoveHolderAt(j);
        if (_services.Events is { } events && _home.Owner is { } db) events.Released(db, _key, IsSemaphore);
        if (_head is not null) GrantWaiters(now);
        return true;
    }

    /// <summary>Called (under the shard lock) when the key expires as a whole: the leases it still held ended.</summary>
    public void CountLeasesExpiredWithKey()
    {
        if (_services is not null && _holderCount > 0) Interlocked.Add(ref Stats.ExpirationsCount, _holderCount);
    }

    /// <summary>The token of <paramref name="owner"/>'s lease, or 0 when it holds none.</summary>
    public long TokenOf(ReadOnlySpan<byte> owner)
    {
        int j = IndexOfHolder(owner);
        return j < 0 ? 0 : _holders[j].Token;
    }

    /// <summary>True while a live lease carries <paramref name="token"/> (call after <see cref="Open"/>, which settles).</summary>
    public bool HoldsToken(long token)
    {
        for (int j = 0; j < _holderCount; j++)
        {
            if (_holders[j].Token == token) return true;
        }
        return false;
    }

    /// <summary>
    /// Undoes a grant that a majority did not acknowledge: drops <paramref name="owner"/>'s lease only if it still
    /// carries <paramref name="token"/> (a later grant to the same owner is left alone), and hands the permit on.
    /// </summary>
    public bool ReleaseGrant(ReadOnlySpan<byte> owner, long token, long now)
    {
        int j = IndexOfHolder(owner);
        if (j < 0 || _holders[j].Token != token) return false;
        return Release(owner, now);
    }

    /// <summary>Resets <paramref name="owner"/>'s lease to <paramref name="ttlMs"/> from now. False if it holds none.</summary>
    public bool Renew(ReadOnlySpan<byte> owner, long ttlMs, long now)
    {
        int j = IndexOfHolder(owner);
        if (j < 0) return false;
        _holders[j].Deadline = now + ttlMs;
        return true;
    }

    /// <summary>
    /// Loading (RDB, RESTORE): adds a lease as it was saved, with its token and absolute deadline, to a state made by
    /// <see cref="Add"/>, and raises the server's token counter past it. Call <see cref="Sync"/> afterwards.
    /// </summary>
    public void RestoreHolder(ReadOnlySpan<byte> owner, long token, long deadline)
    {
        _services.Tokens.RaiseTo(token);
        if (_holderCount >= Permits || IndexOfHolder(owner) >= 0) return;
        AddHolder(owner, token, deadline);
    }

    /// <summary>Orders the live holders by token, i.e. by grant order (SEM.INFO); the order is otherwise arbitrary.</summary>
    public void SortHoldersByToken() =>
        _holders.AsSpan(0, _holderCount).Sort(static (a, b) => a.Token.CompareTo(b.Token));

    /// <summary>Queues a waiter at the tail (only after <see cref="TryAcquire"/> returned 0).</summary>
    public void Enqueue(LockWaiter waiter)
    {
        waiter.Prev = _tail;
        if (_tail is null) _head = waiter;
        else _tail.Next = waiter;
        _tail = waiter;
        waiter.Queued = true;
        _waiterCount++;
        Interlocked.Increment(ref Stats.WaitsCount);
        _everQueued = true;
    }

    /// <summary>
    /// Brings the opened key (which holds this state) in line with the state after a change (rule 3): deletes the key
    /// when nothing is held, otherwise sets its TTL, or clears it and arms the timer while waiters exist.
    /// The state must not be used after this call if the key was deleted.
    /// </summary>
    public void Sync(ref KeyHandle key, long now)
    {
        if (_head is not null && _holderCount < Permits) GrantWaiters(now);
        if (_head is null)
        {
            DisarmTimer();
            if (_holderCount == 0)
            {
                key.Delete();
                Recycle();
                return;
            }
            long latest = MaxDeadline();
            if (key.ExpireAt != latest) key.SetExpireAt(latest);
            return;
        }
        if (key.ExpireAt != 0) key.SetExpireAt(0);
        ArmTimer(now, MinDeadline());
    }

    /// <summary>Called (through <see cref="LockWaiter.Cancel"/>) by the connection after the wait timed out or the client left.</summary>
    internal void CancelWaiter(LockWaiter waiter)
    {
        // The lock first: _key and _hash change under it (a rename within the shard).
        var home = _home;
        lock (home.Lock)
        {
            if (!waiter.Queued) return;
            Unlink(waiter);
            if (_head is not null) return;
            long now = _services.NowMs;
            var key = OpenSelf(now);
            try
            {
                if (!Holds(key))
                {
                    DisarmTimer();
                    return;
                }
                Settle(now);
                Sync(ref key, now);
            }
            finally
            {
                key.Dispose();
            }
        }
    }

    /// <summary>
    /// The lease timer fired (called by the server's <see cref="ILeaseTimerHandler"/>): drops the leases due and hands
    /// their permits to the waiters, or answers the waiters nil when the key is gone. True when the key changed as a
    /// write would: the caller then propagates the state of <paramref name="key"/> in <paramref name="db"/>.
    /// </summary>
    public bool ExpireDueLeases(out Database? db, out byte[]? key)
    {
        db = null;
        key = null;
        var home = _home;
        lock (home.Lock)
        {
            if (_timer is null) return false;
            _timerDeadline = 0;
            long now = _services.NowMs;
            var self = OpenSelf(now);
            try
            {
                if (!Holds(self))
                {
                    AnswerWaitersNil();
                    return false;
                }
                key = _key;
                Settle(now);
                Sync(ref self, now);
            }
            finally
            {
                self.Dispose();
            }
        }
        db = home.Owner;
        return db is not null;
    }

    /// <summary>
    /// COPY: an independent lock held by the same owners with the same deadlines, each holder with a new fencing
    /// token (a copy is a new grant, so tokens keep increasing in grant order). Waiters are not copied. The copy
    /// still names this key and shard; <see cref="Attach"/> re-homes it on its first use at the destination.
    /// Runs under this state's shard lock and takes no other lock.
    /// </summary>
    public object DeepCopy()
    {
        var copy = NewDetached(_home, _key, _hash);
        for (int j = 0; j < _holderCount; j++)
        {
            ref readonly var h = ref _holders[j];
            long token = _services.Tokens.Next();
            if (token != 0) copy.AddHolder(h.OwnerSpan, token, h.Deadline);
        }
        return copy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private LockState Attach(in KeyHandle key)
    {
        if (!ReferenceEquals(_home, key.Shard)) return CloneInto(key);
        ref var e = ref key.Stored;
        if (!ReferenceEquals(_key, e.Key))
        {
            // Renamed within the shard: same lock, so just remember the new key.
            _key = e.Key!;
            _hash = key.Hash;
        }
        return this;
    }

    /// <summary>
    /// The key was moved to another shard. This object stays guarded by its old shard's lock, where its waiters and
    /// timer still look for it; nothing changes its holders any more (only code that finds it at home does), so they
    /// can be copied into a new state owned by <paramref name="key"/>'s shard. The waiters stay behind (answered nil).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private LockState CloneInto(in KeyHandle key)
    {
        ref var e = ref key.Stored;
        var copy = NewDetached(key.Shard, e.Key!, key.Hash);
        for (int j = 0; j < _holderCount; j++)
        {
            ref readonly var h = ref _holders[j];
            copy.AddHolder(h.OwnerSpan, h.Token, h.Deadline);
        }
        e.Value = copy;
        return copy;
    }

    /// <summary>A state with this one's server, kind and permits, no holders and no waiters.</summary>
    private LockState NewDetached(Shard home, byte[] key, ulong hash) => new()
    {
        _services = _services,
        _home = home,
        _key = key,
        _hash = hash,
        _holders = new LockHolder[Math.Max(1, _holderCount)],
        Permits = Permits,
        IsSemaphore = IsSemaphore,
    };

    /// <summary>Drops expired leases and hands their permits to waiters.</summary>
    private void Settle(long now)
    {
        bool expired = false;
        for (int j = _holderCount - 1; j >= 0; j--)
        {
            if (_holders[j].Deadline > now) continue;
            RemoveHolderAt(j);
            expired = true;
            Interlocked.Increment(ref Stats.ExpirationsCount);
        }
        if (expired && _services.Events is { } events && _home.Owner is { } db) events.LeaseExpired(db, _key, IsSemaphore);
        if (_head is not null) GrantWaiters(now);
    }

    /// <summary>Serves waiters in FIFO order while permits are free, skipping the ones that already gave up.</summary>
    private void GrantWaiters(long now)
    {
        while (_holderCount < Permits && _head is { } waiter)
        {
            Unlink(waiter);
            if (!waiter.Handoff.TryClaim()) continue;
            long token;
            int j = IndexOfHolder(waiter.Owner);
            if (j >= 0)
            {
                // The same owner was granted meanwhile through another connection: re-entrant, as in TryAcquire.
                _holders[j].Deadline = now + waiter.TtlMs;
                token = _holders[j].Token;
            }
            else
            {
                token = _services.Tokens.Next();
                if (token != 0) AddHolder(waiter.Owner, token, now + waiter.TtlMs);
            }
            waiter.Token = token;
            waiter.Handoff.Complete();
            if (token > 0)
            {
                var stats = Stats;
                if (j < 0) Interlocked.Increment(ref stats.GrantsCount);
                Interlocked.Increment(ref stats.HandOffsCount);
            }
            if (token > 0 && _services.Events is { } events && _home.Owner is { } db) events.HandedOff(db, _key, IsSemaphore);
        }
    }

    /// <summary>
    /// With <see cref="_home"/>'s lock held (the handle re-enters it): this object's key, found even past its TTL.
    /// It no longer holds this object (<see cref="Holds"/> is false) if the key was deleted, replaced or moved.
    /// </summary>
    private KeyHandle OpenSelf(long now) => new(_home, _hash, _key, now, Lookup.IncludeExpired);

    private bool Holds(in KeyHandle key) => ReferenceEquals(key.Value, this);

    /// <summary>The key is gone (rule 4): release every waiter with a nil reply and stop the timer.</summary>
    private void AnswerWaitersNil()
    {
        while (_head is { } waiter)
        {
            Unlink(waiter);
            if (!waiter.Handoff.TryClaim()) continue;
            waiter.Token = 0;
            waiter.Handoff.Complete();
        }
        DisarmTimer();
    }

    private void ArmTimer(long now, long deadline)
    {
        if (_timer is not null && _timerDeadline == deadline) return;
        // At least 1 ms: a zero due time could run the callback synchronously, inside this lock.
        var due = TimeSpan.FromMilliseconds(Math.Max(1, deadline - now));
        _timerDeadline = deadline;
        if (_timer is null) _timer = _services.Time.CreateTimer(s_onTimer, this, due, Timeout.InfiniteTimeSpan);
        else _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void DisarmTimer()
    {
        if (_timer is null) return;
        _timer.Dispose();
        _timer = null;
        _timerDeadline = 0;
    }

    private void Unlink(LockWaiter waiter)
    {
        if (waiter.Prev is null) _head = waiter.Next;
        else waiter.Prev.Next = waiter.Next;
        if (waiter.Next is null) _tail = waiter.Prev;
        else waiter.Next.Prev = waiter.Prev;
        waiter.Prev = waiter.Next = null;
        waiter.Queued = false;
        _waiterCount--;
    }

    private int IndexOfHolder(ReadOnlySpan<byte> owner)
    {
        var holders = _holders;
        for (int j = 0; j < _holderCount; j++)
        {
            if (holders[j].OwnerSpan.SequenceEqual(owner)) return j;
        }
        return -1;
    }

    private void AddHolder(ReadOnlySpan<byte> owner, long token, long deadline)
    {
        if (_holderCount == _holders.Length) Array.Resize(ref _holders, Math.Min(Permits, _holders.Length * 2));
        ref var h = ref _holders[_holderCount++];
        if (h.Owner is null || h.Owner.Length < owner.Length) h.Owner = new byte[Math.Max(16, owner.Length)];
        owner.CopyTo(h.Owner);
        h.OwnerLength = owner.Length;
        h.Token = token;
        h.Deadline = deadline;
    }

    private void RemoveHolderAt(int j)
    {
        int last = --_holderCount;
        // Swap rather than clear, so the freed slot keeps its owner buffer for the next holder.
        if (j != last) (_holders[j], _holders[last]) = (_holders[last], _holders[j]);
        ref var freed = ref _holders[last];
        if (freed.Owner is { Length: > MaxRetainedOwnerBytes }) freed.Owner = null;
        freed.OwnerLength = 0;
        freed.Token = 0;
        freed.Deadline = 0;
    }

    private long MaxDeadline()
    {
        long latest = 0;
        for (int j = 0; j < _holderCount; j++) latest = Math.Max(latest, _holders[j].Deadline);
        return latest;
    }

    private long MinDeadline()
    {
        long earliest = long.MaxValue;
        for (int j = 0; j < _holderCount; j++) earliest = Math.Min(earliest, _holders[j].Deadline);
        return earliest;
    }

    private static LockState Rent()
    {
        var pool = t_pool;
        if (pool is null || t_pooled == 0) return new LockState();
        var state = pool[--t_pooled];
        pool[t_pooled] = null!;
        return state;
    }

    /// <summary>Called once the entry was removed: pools the object unless a waiter or timer may still reach it.</summary>
    private void Recycle()
    {
        if (_everQueued || _holders.Length > 8) return;
        _services = null!;
        _home = null!;
        _key = null!;
        var pool = t_pool ??= new LockState[PoolCapacity];
        if (t_pooled < PoolCapacity) pool[t_pooled++] = this;
    }
}
