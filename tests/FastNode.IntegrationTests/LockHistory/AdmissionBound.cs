namespace FastNode.IntegrationTests.LockHistory;

/// <summary>
/// The most requests a rate limiter may admit among requests whose server-side admission instants all lie within
/// [<c>fromNs</c>, <c>toNs</c>] (history clock), by its documented arithmetic; null when the limiter bounds no such span.
/// </summary>
public interface IAdmissionBound
{
    long? MaxAdmitted(long fromNs, long toNs);

    string Describe();
}

/// <summary>RL.SLIDINGLOG key limit window_ms: at most <c>limit</c> units in any window of <c>window_ms</c>, plus a slack.</summary>
public sealed record SlidingLogBound(long Limit, long WindowMs, long Slack = 0) : IAdmissionBound
{
    public long? MaxAdmitted(long fromNs, long toNs) => toNs - fromNs < WindowMs * 1_000_000 ? Limit + Slack : null;

    public string Describe() => $"sliding log: at most {Limit}{(Slack > 0 ? $" + {Slack}" : "")} admitted within any {WindowMs} ms";
}

/// <summary>
/// CL.THROTTLE / RL.GCRA with emission interval T = period / count and burst max_burst + 1: admissions at instants
/// s1 &lt;= ... &lt;= sn satisfy n &lt;= (max_burst + 1) + (sn - s1) / T (from new_tat = tat + T and now &gt;= new_tat - DVT).
/// </summary>
public sealed record GcraBound(long MaxBurst, long CountPerPeriod, long PeriodMs, long Slack = 0) : IAdmissionBound
{
    public long? MaxAdmitted(long fromNs, long toNs)
    {
        long spanNs = toNs - fromNs;
        double emissionNs = PeriodMs * 1_000_000.0 / CountPerPeriod;
        return MaxBurst + 1 + (long)Math.Floor(spanNs / emissionNs) + Slack;
    }

    public string Describe() => $"GCRA: at most {MaxBurst + 1} + span / {PeriodMs * 1.0 / CountPerPeriod:F2} ms{(Slack > 0 ? $" + {Slack}" : "")}";
}

/// <summary>
/// Async mode's documented bound: <paramref name="Inner"/>'s, plus <paramref name="SlackPerFailover"/> for every
/// failover that meets the span (what the old primary admitted and had not replicated, or admitted on its own while
/// cut off, is unknown to its successor).
/// </summary>
public sealed record FailoverSlackBound(IAdmissionBound Inner, long SlackPerFailover, Func<long, long, int> FailoversMeeting) : IAdmissionBound
{
    public long? MaxAdmitted(long fromNs, long toNs) => Inner.MaxAdmitted(fromNs, toNs) + SlackPerFailover * FailoversMeeting(fromNs, toNs);

    public string Describe() => $"{Inner.Describe()}, + {SlackPerFailover} per failover";
}
