using System.Buffers;
using System.Text;
using FastNode.Cluster.Nodes;
using FastNode.Server.Persistence;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Cluster;

/// <summary>
/// Deletes the keys of slots this primary lost to a higher configEpoch (<see cref="FastNode.Cluster.ClusterNode.TakeStaleSlots"/>,
/// Redis's delKeysInSlot for dirty slots). The deletes run as DEL commands through the dispatcher, as the primary's own
/// stream would, so they go into the change feed (replicas and the AOF drop the keys too), fire "del" keyspace events,
/// touch WATCH and invalidate tracking. They run on a task of their own in batches, so a big slot never holds up the
/// cluster thread, and each batch first checks the latest view: a slot that came back, or that this node now imports or
/// migrates, keeps its keys.
/// </summary>
internal sealed class StaleSlotKeys(ServerState server, Func<ClusterView> view, ILogger log)
{
    private const int BatchKeys = 128;

    // A slot holds at most what fits in memory; this only bounds the loop if keys keep arriving on a slot we do not serve.
    private const int MaxBatchesPerSlot = 1_000_000;

    private readonly Lock _lock = new();
    private SlotSet _pending = SlotSet.Empty;
    private bool _running;
    private long _deleted;

    /// <summary>Keys deleted so far this way.</summary>
    public long KeysDeleted => Interlocked.Read(ref _deleted);

    // False until the dataset is loaded: deleting while the AOF or RDB loads would miss keys loaded later.
    private bool _started;

    /// <summary>Queues slots for deletion (any thread; returns at once). Nothing runs before <see cref="Start"/>.</summary>
    public void Schedule(SlotSet slots)
    {
        if (slots.IsEmpty) return;
        lock (_lock) _pending = _pending.Union(slots);
        RunIfDue();
    }

    /// <summary>The dataset is loaded: deletes what was queued meanwhile, and from now on as it comes.</summary>
    public void Start()
    {
        lock (_lock) _started = true;
        RunIfDue();
    }

    private void RunIfDue()
    {
        lock (_lock)
        {
            if (!_started || _running || _pending.IsEmpty) return;
            _running = true;
        }
        _ = Task.Run(Run);
    }

    private void Run()
    {
        while (true)
        {
            SlotSet slots;
            lock (_lock)
            {
                slots = _pending;
                _pending = SlotSet.Empty;
                if (slots.IsEmpty)
                {
                    _running = false;
                    return;
                }
            }
            foreach (int slot in slots.Slots())
            {
                try
                {
                    DeleteKeysIn(slot);
                }
                catch (Exception ex)
                {
                    log.LogError(ex, "Deleting the keys of slot {Slot}, which another node now owns", slot);
                }
            }
        }
    }

    private void DeleteKeysIn(int slot)
    {
        var index = server.Database(0).SlotKeys;
        if (index is null || index.Count(slot) == 0) return;
        // A client of its own, exempt from redirects like the primary's stream (the slot is no longer ours to route).
        var replayer = new FeedReplayer(server, "cluster-stale-slot");
        replayer.Session.IsMasterLink = true;
        long deleted = 0;
        for (int batch = 0; batch < MaxBatchesPerSlot && StillStale(slot); batch++)
        {
            var keys = index.Keys(slot, BatchKeys);
            if (keys.Count == 0) break;
            var command = new ReadOnlySequence<byte>(DelCommand(keys));
            replayer.Apply(ref command);
            deleted += keys.Count;
        }
        if (deleted == 0) return;
        Interlocked.Add(ref _deleted, deleted);
        log.LogInformation("Deleted {Count} key(s) of slot {Slot}, which another node owns with a higher configEpoch.", deleted, slot);
    }

    // Another node owns the slot, this node is a primary, and no migration of the slot is under way here.
    private bool StillStale(int slot)
    {
        var v = view();
        var owner = v.Slots.Owner(slot);
        if (owner.IsNone || owner == v.MyId || !v.MyPrimary.IsNone) return false;
        return v.Migrations is null || (v.Migrations.MigratingTo(slot).IsNone && v.Migrations.ImportingFrom(slot).IsNone);
    }

    private static byte[] DelCommand(List<byte[]> keys)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, $"*{keys.Count + 1}\r\n$3\r\nDEL\r\n");
        foreach (var key in keys)
        {
            Write(buffer, $"${key.Length}\r\n");
            buffer.Write(key);
            Write(buffer, "\r\n");
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string text) => buffer.Write(Encoding.ASCII.GetBytes(text));
}
