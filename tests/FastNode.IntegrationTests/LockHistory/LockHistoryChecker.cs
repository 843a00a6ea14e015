namespace FastNode.IntegrationTests.LockHistory;

/// <summary>The four properties of issue 15 section 4.</summary>
public enum Property
{
    /// <summary>(a) Two clients had accepted writes under the same lock in overlapping intervals.</summary>
    OverlappingWriters,

    /// <summary>(b) A grant's token was not greater than the token of a grant that finished before it began (or two owners got one token).</summary>
    TokenOrder,

    /// <summary>(c) An acknowledged grant, renewal or release was lost.</summary>
    LostAcknowledgement,

    /// <summary>(d) A rate limiter admitted more than its documented bound.</summary>
    OverAdmission,
}

/// <summary>
/// One violation, with the span of history it involves: <see cref="FromNs"/> is the earliest instant of the
/// operations involved and <see cref="ToNs"/> the latest, so a test can ask whether a failover lies between them.
/// </summary>
public sealed record Violation(Property Property, string Key, long FromNs, long ToNs, string Description)
{
    public override string ToString() => $"{Property} on {Key} [{FromNs / 1e6:F1} ms .. {ToNs / 1e6:F1} ms]: {Description}";
}

/// <summary>What the checker found: violations, and counts that say how much the history exercised.</summary>
public sealed class CheckReport
{
    public List<Violation> Violations { get; } = [];
    public int Grants { get; set; }
    public int AcceptedWrites { get; set; }
    public int RejectedWrites { get; set; }
    public int Admitted { get; set; }

    /// <summary>
    /// Pairs of grants of one lock whose holders both believed they held it at once (from the grant's reply to the
    /// holder's last write attempt): the writes a lease alone, without fencing, would have let interleave.
    /// </summary>
    public int LeaseOverlaps { get; set; }

    public int Count(Property property) => Violations.Count(v => v.Property == property);

    public string Summary() =>
        $"grants={Grants} writes accepted={AcceptedWrites} rejected(stale token)={RejectedWrites} admitted={Admitted} " +
        $"lease overlaps (unsafe without fencing)={LeaseOverlaps} | violations: " +
        string.Join(", ", Enum.GetValues<Property>().Select(p => $"{p}={Count(p)}"));
}

/// <summary>
/// A Jepsen-style checker for lock histories: it reads the paired operations of a <see cref="HistoryRecorder"/> and the
/// accepted writes of a <see cref="FencedResource"/>, and reports every violation it can prove. It only reports what
/// the history proves: an operation whose outcome is unknown (Info) counts as possibly done at any time after its
/// invocation, and server-side instants are only known to lie between an operation's invocation and its reply.
/// </summary>
public static class LockHistoryChecker
{
    /// <summary>
    /// How much earlier than TTL after the invocation a lease may end on the server without that counting as a loss:
    /// the server and the test share the machine's monotonic clock, so this only covers timer granularity.
    /// </summary>
    public const long DefaultLeaseMarginNs = 20_000_000;

    public static CheckReport Check(IReadOnlyList<Operation> ops, IReadOnlyList<AcceptedWrite> writes,
        IReadOnlyDictionary<string, IAdmissionBound>? limiters = null, long leaseMarginNs = DefaultLeaseMarginNs,
        Func<Operation, bool>? readIsCurrent = null)
    {
        var report = new CheckReport
        {
            Grants = ops.Count(o => o.Kind == OpKind.Acquire && o.Outcome == EventType.Ok),
            AcceptedWrites = writes.Count,
            RejectedWrites = ops.Count(o => o.Kind == OpKind.Write && o.Outcome == EventType.Fail),
            Admitted = ops.Count(o => o.Kind == OpKind.Admit && o.Outcome == EventType.Ok),
        };
        CheckOverlappingWriters(writes, report);
        CheckTokenOrder(ops, report);
        CheckLostAcknowledgements(ops, leaseMarginNs, readIsCurrent ?? (_ => true), report);
        if (limiters is not null) CheckAdmissions(ops, limiters, report);
        CountLeaseOverlaps(ops, report);
        return report;
    }

    /// <summary>
    /// (a) Per lock, each holder's accepted writes span [first start, last end]; the spans of two different holders
    /// must not overlap. With a correct fenced resource this fails only when two holders share a token.
    /// </summary>
    private static void CheckOverlappingWriters(IReadOnlyList<AcceptedWrite> writes, CheckReport report)
    {
        foreach (var perKey in writes.GroupBy(w => w.Key))
        {
            var sessions = perKey.GroupBy(w => (w.Owner, w.Token))
                .Select(g => (g.Key.Owner, g.Key.Token, Start: g.Min(w => w.StartNs), End: g.Max(w => w.EndNs), Count: g.Count()))
                .OrderBy(s => s.Start)
                .ToList();
            for (int i = 0; i < sessions.Count; i++)
            {
                for (int j = i + 1; j < sessions.Count && sessions[j].Start < sessions[i].End; j++)
                {
                    if (sessions[j].Owner == sessions[i].Owner) continue;
                    var a = sessions[i];
                    var b = sessions[j];
                    report.Violations.Add(new Violation(Property.OverlappingWriters, perKey.Key, a.Start, Math.Max(a.End, b.End),
                        $"{a.Owner} (token {a.Token}, {a.Count} writes) and {b.Owner} (token {b.Token}, {b.Count} writes) wrote in overlapping intervals"));
                }
            }
        }
    }

    /// <summary>
    /// (b) For grants g1, g2 of one lock where g1's reply came before g2 was sent, token(g2) &gt; token(g1); and no
    /// two owners ever get the same token.
    /// </summary>
    private static void CheckTokenOrder(IReadOnlyList<Operation> ops, CheckReport report)
    {
        foreach (var perKey in ops.Where(o => o.Kind == OpKind.Acquire && o.Outcome == EventType.Ok).GroupBy(o => o.Key))
        {
            var byComplete = perKey.OrderBy(g => g.CompleteNs).ToList();
            var byInvoke = perKey.OrderBy(g => g.InvokeNs).ToList();
            // Sweep: for each grant in invocation order, the largest token among grants that completed before it.
            Operation? highest = null;
            int next = 0;
            foreach (var grant in byInvoke)
            {
                while (next < byComplete.Count && byComplete[next].CompleteNs < grant.InvokeNs)
                {
                    if (highest is null || byComplete[next].Value > highest.Value) highest = byComplete[next];
                    next++;
                }
                if (highest is not null && grant.Value <= highest.Value && grant.Owner != highest.Owner)
                {
                    report.Violations.Add(new Violation(Property.TokenOrder, perKey.Key, highest.InvokeNs, grant.CompleteNs,
                        $"{grant.Owner} got token {Token(grant.Value)} after {highest.Owner} had been granted {Token(highest.Value)}"));
                }
            }
            foreach (var same in perKey.GroupBy(g => g.Value).Where(g => g.Select(o => o.Owner).Distinct().Count() > 1))
            {
                var owners = same.OrderBy(g => g.InvokeNs).ToList();
                report.Violations.Add(new Violation(Property.TokenOrder, perKey.Key, owners[0].InvokeNs, owners.Max(o => o.CompleteNs == long.MaxValue ? o.InvokeNs : o.CompleteNs),
                    $"token {Token(same.Key)} was granted to {string.Join(" and ", owners.Select(o => o.Owner))}"));
            }
        }
    }

    /// <summary>
    /// (c) A grant acknowledged to owner o (token t, ttl) is held at least until H = the latest invocation of an
    /// acknowledged acquire or renew of o plus its TTL, cut at o's first release. It was lost if, within H, another
    /// owner was granted the lock, LOCK.INFO showed someone else, or o's own renew or release answered 0. A release
    /// acknowledged to o was lost if LOCK.INFO sent after it shows o again (owners are never reused). Reads count only
    /// where <paramref name="readIsCurrent"/> says so: LOCK.INFO is a local read, and one served by a deposed primary
    /// that has not heard of its replacement yet is stale, not a loss.
    /// </summary>
    private static void CheckLostAcknowledgements(IReadOnlyList<Operation> ops, long marginNs, Func<Operation, bool> readIsCurrent, CheckReport report)
    {
        foreach (var perKey in ops.GroupBy(o => o.Key))
        {
            var list = perKey.ToList();
            var grants = list.Where(o => o.Kind == OpKind.Acquire && o.Outcome == EventType.Ok).OrderBy(o => o.InvokeNs).ToList();
            var reads = list.Where(o => o.Kind == OpKind.Read && o.Outcome == EventType.Ok && readIsCurrent(o)).OrderBy(o => o.InvokeNs).ToList();
            var byOwner = list.Where(o => o.Kind != OpKind.Read).GroupBy(o => o.Owner).ToDictionary(g => g.Key, g => g.ToList());
            var readsShowing = reads.GroupBy(r => r.Owner).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var grant in grants)
            {
                var own = byOwner[grant.Owner];
                long heldUntil = own.Where(o => o.Outcome == EventType.Ok && o.Kind is OpKind.Acquire or OpKind.Renew)
                    .Max(o => o.InvokeNs + o.Ttl * 1_000_000);
                long firstRelease = own.Where(o => o.Kind == OpKind.Release).Select(o => o.InvokeNs).DefaultIfEmpty(long.MaxValue).Min();
                long safeUntil = Math.Min(heldUntil, firstRelease) - marginNs;
                long ownUntil = heldUntil - marginNs;

                Violation? lost = null;
                var other = SentWithin(grants, grant.CompleteNs, safeUntil).FirstOrDefault(g => g.Owner != grant.Owner && g.CompleteNs <= safeUntil);
                if (other is not null)
                {
                    lost = new Violation(Property.LostAcknowledgement, perKey.Key, grant.InvokeNs, other.CompleteNs,
                        $"{other.Owner} was granted token {Token(other.Value)} while {grant.Owner}'s acknowledged lease (token {Token(grant.Value)}) ran until {heldUntil / 1e6:F1} ms");
                }
                var refused = own.FirstOrDefault(o => o.Kind is OpKind.Renew or OpKind.Release && o.Outcome == EventType.Fail
                    && o.InvokeNs >= grant.CompleteNs && o.CompleteNs <= ownUntil);
                if (lost is null && refused is not null)
                {
                    lost = new Violation(Property.LostAcknowledgement, perKey.Key, grant.InvokeNs, refused.CompleteNs,
                        $"{grant.Owner}'s {refused.Kind.ToString().ToLowerInvariant()} answered 0 within its acknowledged lease (until {heldUntil / 1e6:F1} ms)");
                }
                var read = SentWithin(reads, grant.CompleteNs, safeUntil).FirstOrDefault(r => r.Owner != grant.Owner && r.CompleteNs <= safeUntil);
                if (lost is null && read is not null)
                {
                    lost = new Violation(Property.LostAcknowledgement, perKey.Key, grant.InvokeNs, read.CompleteNs,
                        $"LOCK.INFO showed {(read.Owner.Length == 0 ? "no holder" : read.Owner)} within {grant.Owner}'s acknowledged lease (until {heldUntil / 1e6:F1} ms)");
                }
                if (lost is not null) report.Violations.Add(lost);

                var release = own.FirstOrDefault(o => o.Kind == OpKind.Release && o.Outcome == EventType.Ok);
                var ghost = release is null ? null : readsShowing.GetValueOrDefault(grant.Owner)?.FirstOrDefault(r => r.InvokeNs > release.CompleteNs);
                if (ghost is not null)
                {
                    report.Violations.Add(new Violation(Property.LostAcknowledgement, perKey.Key, release!.InvokeNs, ghost.CompleteNs,
                        $"LOCK.INFO showed {grant.Owner} holding the lock after its release was acknowledged"));
                }
            }
        }
    }

    /// <summary>The operations of a list sorted by invocation that were sent within [from, to].</summary>
    private static IEnumerable<Operation> SentWithin(List<Operation> byInvoke, long fromNs, long toNs)
    {
        int lo = 0, hi = byInvoke.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (byInvoke[mid].InvokeNs < fromNs) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < byInvoke.Count && byInvoke[i].InvokeNs <= toNs; i++) yield return byInvoke[i];
    }

    /// <summary>
    /// (d) For every set of admitted requests of one limiter, the admission instants lie within [first invocation,
    /// last reply]; the set's size must not exceed the bound for that span.
    /// </summary>
    private static void CheckAdmissions(IReadOnlyList<Operation> ops, IReadOnlyDictionary<string, IAdmissionBound> limiters, CheckReport report)
    {
        foreach (var perKey in ops.Where(o => o.Kind == OpKind.Admit && o.Outcome == EventType.Ok).GroupBy(o => o.Key))
        {
            if (!limiters.TryGetValue(perKey.Key, out var bound)) continue;
            var admitted = perKey.OrderBy(o => o.InvokeNs).ToList();
            // Walk the starts from the last; `ends` holds the replies of every request invoked at or after the start, sorted.
            var ends = new List<long>();
            var found = new List<Violation>();
            for (int i = admitted.Count - 1; i >= 0; i--)
            {
                long end = admitted[i].CompleteNs;
                int at = ends.BinarySearch(end);
                ends.Insert(at < 0 ? ~at : at, end);
                long start = admitted[i].InvokeNs;
                for (int k = 0; k < ends.Count; k++)
                {
                    long? max = bound.MaxAdmitted(start, ends[k]);
                    if (max is null) break;
                    if (k + 1 <= max) continue;
                    found.Add(new Violation(Property.OverAdmission, perKey.Key, start, ends[k],
                        $"{k + 1} requests admitted within {(ends[k] - start) / 1e6:F1} ms; {bound.Describe()}"));
                    break;
                }
            }
            // One violation per stretch of history, not one per start inside it.
            long keptUntil = long.MinValue;
            foreach (var violation in found.OrderBy(v => v.FromNs))
            {
                if (violation.FromNs < keptUntil) continue;
                report.Violations.Add(violation);
                keptUntil = violation.ToNs;
            }
        }
    }

    private static void CountLeaseOverlaps(IReadOnlyList<Operation> ops, CheckReport report)
    {
        foreach (var perKey in ops.GroupBy(o => o.Key))
        {
            var writesByOwner = perKey.Where(o => o.Kind == OpKind.Write).GroupBy(o => o.Owner).ToDictionary(g => g.Key, g => g.Max(o => o.InvokeNs));
            var beliefs = perKey.Where(o => o.Kind == OpKind.Acquire && o.Outcome == EventType.Ok && writesByOwner.ContainsKey(o.Owner))
                .Select(g => (g.Owner, Start: g.CompleteNs, End: writesByOwner[g.Owner]))
                .Where(b => b.End > b.Start)
                .OrderBy(b => b.Start)
                .ToList();
            for (int i = 0; i < beliefs.Count; i++)
            {
                for (int j = i + 1; j < beliefs.Count && beliefs[j].Start < beliefs[i].End; j++) report.LeaseOverlaps++;
            }
        }
    }

    /// <summary>A token as epoch:counter when it has epoch bits, else the plain number.</summary>
    public static string Token(long token) => token >> 48 == 0 ? token.ToString() : $"{token >> 48}:{token & ((1L << 48) - 1)}";
}
