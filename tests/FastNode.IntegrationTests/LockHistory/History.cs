using System.Diagnostics;

namespace FastNode.IntegrationTests.LockHistory;

/// <summary>What an operation did, in the Jepsen sense.</summary>
public enum EventType
{
    /// <summary>The client is about to send the operation.</summary>
    Invoke,

    /// <summary>It definitely took effect (a grant, a renewal, a release that answered 1, an admitted request...).</summary>
    Ok,

    /// <summary>It definitely did not take effect (nil, 0, refused).</summary>
    Fail,

    /// <summary>Unknown: a timeout or a dropped connection. It may or may not have taken effect, at any later time.</summary>
    Info,
}

public enum OpKind
{
    Acquire,
    Renew,
    Release,

    /// <summary>LOCK.INFO: the owner and token the server shows (Owner is empty when it shows none).</summary>
    Read,

    /// <summary>A fenced write to the model resource, with the holder's token.</summary>
    Write,

    /// <summary>One request to a rate limiter; Ok = admitted.</summary>
    Admit,
}

/// <summary>
/// One line of a history. <paramref name="Process"/> is a logical client that runs one operation at a time; a client
/// whose operation ended in <see cref="EventType.Info"/> continues under a new process number, as in Jepsen, so every
/// process has at most one operation open. <paramref name="Value"/> is the token (Acquire, Write, Read), or the TTL
/// for Renew; <paramref name="TimeNs"/> is monotonic, from one clock shared by the whole test.
/// </summary>
public sealed record HistoryEvent(int Process, EventType Type, OpKind Kind, string Key, string Owner, long Value, long TimeNs, string Detail = "");

/// <summary>
/// A completed operation: its invocation and its outcome paired. An operation that never completed, or completed with
/// Info, has <see cref="CompleteNs"/> = long.MaxValue (it may take effect at any time after its invocation).
/// </summary>
public sealed record Operation(int Process, OpKind Kind, string Key, string Owner, EventType Outcome, long Value, long Ttl, long InvokeNs, long CompleteNs, string Detail);

/// <summary>
/// Appends events from many client threads, stamped with a monotonic clock (Stopwatch), and pairs them into
/// operations. Thread-safe; the order of the list is the order in which the events were stamped.
/// </summary>
public sealed class HistoryRecorder
{
    private readonly List<HistoryEvent> _events = [];
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <summary>Nanoseconds since the recorder was made (monotonic; also used by the model resource and the nemesis).</summary>
    public long NowNs => (long)((Stopwatch.GetTimestamp() - _origin) * (1_000_000_000.0 / Stopwatch.Frequency));

    public HistoryEvent Add(int process, EventType type, OpKind kind, string key, string owner, long value, string detail = "")
    {
        lock (_events)
        {
            // Stamped under the lock, so the list is in time order.
            var e = new HistoryEvent(process, type, kind, key, owner, value, NowNs, detail);
            _events.Add(e);
            return e;
        }
    }

    public IReadOnlyList<HistoryEvent> Events
    {
        get
        {
            lock (_events) return _events.ToList();
        }
    }

    /// <summary>
    /// Pairs each invocation with the next event of the same process. The invocation's Value is kept for Renew and
    /// Acquire (the TTL asked for) in <see cref="Operation.Ttl"/>; the completion's Value (token, owner shown...) in
    /// <see cref="Operation.Value"/>. A completion without an invocation is a malformed history.
    /// </summary>
    public static List<Operation> Pair(IEnumerable<HistoryEvent> events)
    {
        var open = new Dictionary<int, HistoryEvent>();
        var operations = new List<Operation>();
        foreach (var e in events)
        {
            if (e.Type == EventType.Invoke)
            {
                if (open.ContainsKey(e.Process)) throw new InvalidOperationException($"process {e.Process} invoked twice without completing: {e}");
                open[e.Process] = e;
                continue;
            }
            if (!open.Remove(e.Process, out var invoke)) throw new InvalidOperationException($"completion without invocation: {e}");
            if (invoke.Kind != e.Kind || invoke.Key != e.Key) throw new InvalidOperationException($"completion {e} does not match {invoke}");
            long complete = e.Type == EventType.Info ? long.MaxValue : e.TimeNs;
            string owner = e.Kind == OpKind.Read ? e.Owner : invoke.Owner;
            operations.Add(new Operation(e.Process, e.Kind, e.Key, owner, e.Type, e.Value, invoke.Value, invoke.TimeNs, complete, e.Detail));
        }
        foreach (var invoke in open.Values)
        {
            operations.Add(new Operation(invoke.Process, invoke.Kind, invoke.Key, invoke.Owner, EventType.Info, 0, invoke.Value, invoke.TimeNs, long.MaxValue, "never completed"));
        }
        return operations;
    }
}
