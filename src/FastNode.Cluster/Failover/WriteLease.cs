using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Failover;

/// <summary>
/// A primary's right to accept writes: it holds while a majority of the primaries serving slots (itself included)
/// have granted it within the lease window. A grant is the LeaseGrant flag on a direct Ack, and it dates from when
/// our Ping was sent, not when the Ack arrived, so a slow Ack never stretches the lease. A primary that votes to
/// replace us stops granting first, and the winner waits one window before accepting writes, so the two majorities
/// cannot both be writing (docs/cluster.md, "Write lease").
/// </summary>
public sealed class WriteLease
{
    // Primary → send time of our Ping its last granting Ack answered.
    private readonly Dictionary<NodeId, long> _grantedAt = [];

    // Primary → when we last sent it a lease ping.
    private readonly Dictionary<NodeId, long> _pingedAt = [];

    public void Answered(NodeId primary, long pingSentAt, bool granted)
    {
        if (!granted)
        {
            _grantedAt.Remove(primary);
            return;
        }
        if (!_grantedAt.TryGetValue(primary, out long previous) || pingSentAt > previous) _grantedAt[primary] = pingSentAt;
    }

    public void Forget() => _grantedAt.Clear();

    /// <summary>
    /// Until when the lease holds (monotonic ms): the grant time of the (quorum - 1)-th freshest other primary plus
    /// the window. <see cref="long.MaxValue"/> when we alone are a quorum; 0 when there are not enough grants.
    /// </summary>
    public long ValidUntil(IReadOnlyList<NodeId> otherPrimaries, int quorum, long windowMs)
    {
        int needed = quorum - 1;
        if (needed <= 0) return long.MaxValue;
        var times = new List<long>(otherPrimaries.Count);
        foreach (var p in otherPrimaries)
        {
            if (_grantedAt.TryGetValue(p, out long t)) times.Add(t);
        }
        if (times.Count < needed) return 0;
        times.Sort();
        return times[^needed] + windowMs;
    }

    /// <summary>
    /// Primaries to ping now so the lease stays fresh: those whose grant is older than half a window, limited to the
    /// quorum plus two spares (freshest grants first, then the rest), and not pinged in the last
    /// <paramref name="repingMs"/>.
    /// </summary>
    public List<NodeId> DueForPing(IReadOnlyList<NodeId> otherPrimaries, int quorum, long now, long windowMs, long repingMs)
    {
        var ordered = otherPrimaries
            .OrderByDescending(p => _grantedAt.GetValueOrDefault(p, long.MinValue))
            .ThenBy(p => p)
            .Take(Math.Max(quorum - 1, 0) + 2);
        var due = new List<NodeId>();
        foreach (var p in ordered)
        {
            long grantedAt = _grantedAt.GetValueOrDefault(p, long.MinValue);
            if (grantedAt != long.MinValue && now - grantedAt < windowMs / 2) continue;
            if (_pingedAt.TryGetValue(p, out long pingedAt) && now - pingedAt < repingMs) continue;
            _pingedAt[p] = now;
            due.Add(p);
        }
        return due;
    }
}
