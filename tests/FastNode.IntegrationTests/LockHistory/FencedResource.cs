namespace FastNode.IntegrationTests.LockHistory;

/// <summary>A write the resource accepted: who wrote under which lock, with which token, and when it applied it.</summary>
public sealed record AcceptedWrite(string Key, string Owner, int Client, long Token, long StartNs, long EndNs);

/// <summary>
/// The model resource that lock holders protect, kept by the test: per lock it remembers the highest token it has
/// seen and rejects any write with a lower one (an equal token is the same holder's next write). The check and the
/// apply are one atomic step, as a conditional update in a real store is, and each accepted write is recorded with
/// the interval during which it was applied (on the history's clock), for the checker's overlap property.
/// </summary>
public sealed class FencedResource(HistoryRecorder clock)
{
    private readonly Dictionary<string, long> _highest = [];
    private readonly List<AcceptedWrite> _accepted = [];
    private readonly object _gate = new();

    public long Rejected { get; private set; }

    /// <summary>Applies the write if <paramref name="token"/> is not lower than the highest seen for the key.</summary>
    public bool Write(string key, string owner, int client, long token)
    {
        lock (_gate)
        {
            long start = clock.NowNs;
            if (_highest.TryGetValue(key, out long highest) && token < highest)
            {
                Rejected++;
                return false;
            }
            _highest[key] = token;
            // The "apply": a short piece of work inside the atomic step, so an accepted write has a real interval.
            Thread.SpinWait(200);
            _accepted.Add(new AcceptedWrite(key, owner, client, token, start, clock.NowNs));
            return true;
        }
    }

    public IReadOnlyList<AcceptedWrite> Accepted
    {
        get
        {
            lock (_gate) return _accepted.ToList();
        }
    }
}
