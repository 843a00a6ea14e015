using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Failover;

/// <summary>
/// Redis failure reports, kept by the few nodes chosen to count them for each suspect: who reported the suspect
/// unreachable, at which incarnation, and when. Reports expire after node-timeout × 2 (Redis's validity), and a
/// refutation (a higher incarnation) drops all of them.
/// </summary>
public sealed class FailureReports
{
    private sealed class Report(long incarnation, long at)
    {
        public long Incarnation { get; } = incarnation;
        public long At { get; set; } = at;
    }

    private readonly Dictionary<NodeId, Dictionary<NodeId, Report>> _bySuspect = [];

    public void Add(NodeId suspect, long incarnation, NodeId reporter, long now)
    {
        if (!_bySuspect.TryGetValue(suspect, out var reports)) _bySuspect[suspect] = reports = [];
        if (reports.TryGetValue(reporter, out var existing) && existing.Incarnation >= incarnation)
        {
            existing.At = now;
            return;
        }
        reports[reporter] = new Report(incarnation, now);
    }

    /// <summary>Reporters of the suspect at (at least) this incarnation within the validity window.</summary>
    public int Count(NodeId suspect, long incarnation, long now, long validityMs, Func<NodeId, bool> counts)
    {
        if (!_bySuspect.TryGetValue(suspect, out var reports)) return 0;
        int n = 0;
        foreach (var (reporter, report) in reports)
        {
            if (report.Incarnation >= incarnation && now - report.At <= validityMs && counts(reporter)) n++;
        }
        return n;
    }

    /// <summary>CLUSTER COUNT-FAILURE-REPORTS.</summary>
    public int CountAll(NodeId suspect, long now, long validityMs) =>
        _bySuspect.TryGetValue(suspect, out var reports) ? reports.Values.Count(r => now - r.At <= validityMs) : 0;

    public void Clear(NodeId suspect) => _bySuspect.Remove(suspect);

    /// <summary>Drops expired reports so the table stays small.</summary>
    public void Expire(long now, long validityMs)
    {
        List<NodeId>? empty = null;
        foreach (var (suspect, reports) in _bySuspect)
        {
            foreach (var reporter in reports.Where(r => now - r.Value.At > validityMs).Select(r => r.Key).ToList())
            {
                reports.Remove(reporter);
            }
            if (reports.Count == 0) (empty ??= []).Add(suspect);
        }
        if (empty is null) return;
        foreach (var suspect in empty) _bySuspect.Remove(suspect);
    }
}
