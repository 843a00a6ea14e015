namespace FastNode.IntegrationTests.LockHistory;

/// <summary>The faults a run can inject.</summary>
public enum Fault
{
    /// <summary>SIGSTOP of a lock holder's client between its grant and its next write, for three leases (in-process: see <see cref="PauseGate"/>).</summary>
    PauseHolder,

    /// <summary>SIGSTOP of the primary for about one to three leases, then SIGCONT; no promotion.</summary>
    PausePrimary,

    /// <summary>kill -9 of the primary, promotion of the most advanced replica, restart of the killed node as its replica.</summary>
    KillPrimary,

    /// <summary>SIGSTOP of the primary, promotion while it is stopped, SIGCONT, then REPLICAOF to demote it: the zombie primary.</summary>
    PausePrimaryAndPromote,

    /// <summary>The primary cut off from its replicas (network namespaces) while clients still reach it; promotion on the other side; heal and demote.</summary>
    IsolatePrimary,

    /// <summary>kill -9 of a replica and its restart.</summary>
    KillReplica,
}

/// <summary>
/// What every nemesis keeps for the report: how many of each fault and signal, the windows during which a failover
/// was under way (from the first fault step until the deposed primary follows its successor), against which
/// async-mode violations are judged, and which node was the primary when.
/// </summary>
public abstract class NemesisBase(HistoryRecorder clock, IReadOnlyList<WorkloadClient> clients, WorkloadOptions options, int seed)
{
    protected readonly Random Random = new(seed);
    protected HistoryRecorder Clock => clock;
    protected WorkloadOptions Options => options;

    /// <summary>Each fault kind injected, and the signals and restarts they took (kill -9, SIGSTOP, restart, promotion).</summary>
    public SortedDictionary<string, int> Counts { get; } = [];

    /// <summary>[start, end] of every failover, on the history's clock.</summary>
    public List<(long From, long To)> FailoverWindows { get; } = [];

    /// <summary>(since, endpoint) each time the primary changed, starting with the first one.</summary>
    public List<(long AtNs, string Endpoint)> PrimaryTimeline { get; } = [];

    protected abstract string PrimaryEndpoint { get; }

    public void Run(IReadOnlyList<Fault> faults, DateTime deadline)
    {
        PrimaryTimeline.Add((0, PrimaryEndpoint));
        // Leave the last stretch fault-free, so the run ends on a healthy group.
        // Each kind once first (so even a short run on a slow machine has them all), then a seeded random choice.
        for (int i = 0; DateTime.UtcNow < deadline.AddSeconds(-2); i++)
        {
            Thread.Sleep(Random.Next(400, 1200));
            var fault = i < faults.Count ? faults[i] : faults[Random.Next(faults.Count)];
            if (fault == Fault.PauseHolder) PauseHolder();
            else
            {
                Inject(fault);
                Count(fault.ToString());
            }
        }
    }

    protected abstract void Inject(Fault fault);

    protected void Count(string what) => Counts[what] = Counts.GetValueOrDefault(what) + 1;

    protected void Promoted(string endpoint)
    {
        PrimaryTimeline.Add((Clock.NowNs, endpoint));
        Count("promotion");
    }

    private void PauseHolder()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var holders = clients.Where(c => c.Holding).ToList();
            if (holders.Count > 0)
            {
                holders[Random.Next(holders.Count)].Gate.Request(Options.LeaseMs * 3);
                Count(nameof(Fault.PauseHolder));
                return;
            }
            Thread.Sleep(10);
        }
    }

    /// <summary>Whether a read was served by the primary of its whole interval (no promotion while it ran).</summary>
    public bool ServedByCurrentPrimary(Operation read)
    {
        string at = PrimaryTimeline.Last(p => p.AtNs <= read.InvokeNs).Endpoint;
        bool changed = PrimaryTimeline.Any(p => p.AtNs > read.InvokeNs && p.AtNs <= read.CompleteNs);
        return !changed && read.Detail == at;
    }

    /// <summary>How many failover windows meet [from, to].</summary>
    public int FailoversMeeting(long fromNs, long toNs) => FailoverWindows.Count(w => fromNs <= w.To && toNs >= w.From);

    /// <summary>Whether a violation's span meets a failover window.</summary>
    public bool DuringAFailover(Violation violation) => FailoversMeeting(violation.FromNs, violation.ToNs) > 0;
}

/// <summary>Seeded faults on a <see cref="StandaloneGroup"/>, whose failover manager is the test.</summary>
public sealed class Nemesis(StandaloneGroup group, NetworkLab? lab, HistoryRecorder clock, IReadOnlyList<WorkloadClient> clients,
    WorkloadOptions options, int seed) : NemesisBase(clock, clients, options, seed)
{
    protected override string PrimaryEndpoint => group.Primary.Endpoint();

    protected override void Inject(Fault fault)
    {
        switch (fault)
        {
            case Fault.PausePrimary:
                PausePrimary();
                break;
            case Fault.KillPrimary:
                KillPrimary();
                break;
            case Fault.PausePrimaryAndPromote:
                PausePrimaryAndPromote();
                break;
            case Fault.IsolatePrimary:
                IsolatePrimary();
                break;
            case Fault.KillReplica:
                KillReplica();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "not a standalone fault");
        }
    }

    private void PausePrimary()
    {
        var primary = group.Primary;
        primary.Process.Pause();
        Count("SIGSTOP primary");
        try
        {
            Thread.Sleep(Random.Next(Options.LeaseMs, Options.LeaseMs * 3));
        }
        finally
        {
            primary.Process.Resume();
        }
    }

    private void KillPrimary()
    {
        long from = Clock.NowNs;
        var old = group.Primary;
        group.Kill9(old);
        Count("kill -9 primary");
        Thread.Sleep(200);
        Promote(old);
        group.Restart(old);
        Count("restart");
        group.WaitHealthy();
        FailoverWindows.Add((from, Clock.NowNs));
    }

    private void PausePrimaryAndPromote()
    {
        long from = Clock.NowNs;
        var old = group.Primary;
        old.Process.Pause();
        Count("SIGSTOP primary");
        try
        {
            Thread.Sleep(300);
            var successor = Promote(old);
            Thread.Sleep(Random.Next(200, 800));
            old.Process.Resume();
            StandaloneGroup.Follow(old, successor);
        }
        finally
        {
            old.Process.Resume();
        }
        group.WaitHealthy();
        FailoverWindows.Add((from, Clock.NowNs));
    }

    private void IsolatePrimary()
    {
        if (lab is null) throw new InvalidOperationException("IsolatePrimary needs a NetworkLab");
        long from = Clock.NowNs;
        var old = group.Primary;
        lab.Isolate(old.Index);
        Count("partition");
        try
        {
            Thread.Sleep(300);
            var successor = Promote(old);
            // The deposed primary still answers the clients that reach it, for a while.
            Thread.Sleep(Random.Next(500, 1500));
            lab.HealAll();
            StandaloneGroup.Follow(old, successor);
        }
        finally
        {
            lab.HealAll();
        }
        group.WaitHealthy();
        FailoverWindows.Add((from, Clock.NowNs));
    }

    private void KillReplica()
    {
        var replicas = group.Nodes.Where(n => n != group.Primary && n.Alive).ToList();
        var victim = replicas[Random.Next(replicas.Count)];
        group.Kill9(victim);
        Count("kill -9 replica");
        Thread.Sleep(300);
        group.Restart(victim);
        Count("restart");
        group.WaitHealthy();
    }

    private StandaloneGroup.Node Promote(StandaloneGroup.Node old)
    {
        var successor = group.PromoteBestReplica(old);
        Promoted(successor.Endpoint());
        return successor;
    }
}
