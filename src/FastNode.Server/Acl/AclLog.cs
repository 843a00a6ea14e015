namespace FastNode.Server.Acl;

/// <summary>
/// ACL LOG: the most recent refusals, newest first, with Redis 7.0's fields. A refusal like a recent one (same reason,
/// context, object and user within 60 s) updates that entry's count, time and client instead of adding one.
/// Cold: written only when something is refused, read by ACL LOG.
/// </summary>
public sealed class AclLog(AclOptions options)
{
    private const long GroupingWindowMs = 60_000;
    private readonly LinkedList<AclLogEntry> _entries = new();
    private readonly Lock _lock = new();

    public void Add(string reason, string context, string obj, string username, string clientInfo, long nowMs)
    {
        lock (_lock)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                var e = node.Value;
                if (e.Reason != reason || e.Context != context || e.Object != obj || e.Username != username
                    || nowMs - e.CreatedMs >= GroupingWindowMs) continue;
                e.Count++;
                e.CreatedMs = nowMs;
                e.ClientInfo = clientInfo;
                _entries.Remove(node);
                _entries.AddFirst(node);
                return;
            }
            _entries.AddFirst(new AclLogEntry { Reason = reason, Context = context, Object = obj, Username = username, ClientInfo = clientInfo, CreatedMs = nowMs, Count = 1 });
            while (_entries.Count > Math.Max(0, options.LogMaxLen)) _entries.RemoveLast();
        }
    }

    /// <summary>Up to <paramref name="count"/> entries, newest first (copies).</summary>
    public List<AclLogEntry> Snapshot(long count)
    {
        lock (_lock)
        {
            var list = new List<AclLogEntry>();
            foreach (var e in _entries)
            {
                if (list.Count >= count) break;
                list.Add(e with { });
            }
            return list;
        }
    }

    public void Reset()
    {
        lock (_lock) _entries.Clear();
    }

}

public sealed record AclLogEntry
{
    public long Count;
    public required string Reason;
    public required string Context;
    public required string Object;
    public required string Username;
    public required string ClientInfo;
    public long CreatedMs;
}
