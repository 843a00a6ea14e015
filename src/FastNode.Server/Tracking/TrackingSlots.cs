namespace FastNode.Server.Tracking;

/// <summary>
/// Small numbers for the clients whose reads are remembered (default mode, OPTIN, OPTOUT), so that a tracked key
/// records its readers as bits (<see cref="TrackedKey"/>) and a reader checks its own bit without a lock. A client
/// keeps its slot while it tracks, and after it stops (tracking off, the connection's end) for as long as some key
/// still has its bit: Redis keeps such a client's id in the table until the key is invalidated, and a slot handed to
/// another client while a bit of it is set would send that client invalidations it never asked for. Numbers are
/// reused smallest first, so the bit arrays of the keys stay short.
/// </summary>
public sealed class TrackingSlots
{
    private sealed class State(long clientId)
    {
        public readonly long ClientId = clientId;
        /// <summary>Keys whose bit for this slot is set.</summary>
        public int Refs;
        /// <summary>The client tracks with this slot now (a new CLIENT TRACKING on of the same client gets it back).</summary>
        public bool Enabled = true;
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<long, int> _byClient = [];
    private readonly PriorityQueue<int, int> _free = new();
    private State?[] _states = new State?[64];
    private int _next;

    /// <summary>Slots in use (held by a tracking client, or by a gone one whose keys are still in the table).</summary>
    public int InUse
    {
        get
        {
            lock (_lock) return _byClient.Count;
        }
    }

    /// <summary>The slot of client <paramref name="clientId"/> (its old one while that is still held).</summary>
    public int Acquire(long clientId)
    {
        lock (_lock)
        {
            if (_byClient.TryGetValue(clientId, out int slot))
            {
                _states[slot]!.Enabled = true;
                return slot;
            }
            slot = _free.Count > 0 ? _free.Dequeue() : _next++;
            if (slot >= _states.Length)
            {
                var bigger = new State?[_states.Length * 2];
                _states.CopyTo(bigger, 0);
                Volatile.Write(ref _states, bigger);
            }
            Volatile.Write(ref _states[slot], new State(clientId));
            _byClient[clientId] = slot;
            return slot;
        }
    }

    /// <summary>The client stopped tracking: its slot goes once no key has its bit.</summary>
    public void Release(long clientId)
    {
        lock (_lock)
        {
            if (!_byClient.TryGetValue(clientId, out int slot)) return;
            var state = _states[slot]!;
            state.Enabled = false;
            if (Volatile.Read(ref state.Refs) == 0) Free(slot, state);
        }
    }

    /// <summary>The client that holds <paramref name="slot"/>, or 0 when none does.</summary>
    public long ClientOf(int slot)
    {
        var states = Volatile.Read(ref _states);
        return slot < states.Length && Volatile.Read(ref states[slot]) is { } state ? state.ClientId : 0;
    }

    /// <summary>A key got the slot's bit (under that key's stripe lock; only the slot's own client reads keys into it).</summary>
    internal void AddRef(int slot) => Interlocked.Increment(ref Volatile.Read(ref _states)[slot]!.Refs);

    /// <summary>A key with the slot's bit left the table.</summary>
    internal void RemoveRef(int slot)
    {
        var state = Volatile.Read(ref _states)[slot];
        if (state is null || Interlocked.Decrement(ref state.Refs) > 0) return;
        lock (_lock)
        {
            if (!state.Enabled && Volatile.Read(ref state.Refs) == 0 && ReferenceEquals(_states[slot], state)) Free(slot, state);
        }
    }

    private void Free(int slot, State state)
    {
        _byClient.Remove(state.ClientId);
        Volatile.Write(ref _states[slot], null);
        _free.Enqueue(slot, slot);
    }
}
