namespace FastNode.Cluster.Membership;

/// <summary>What one node's membership has done, for metrics and the simulator's figures.</summary>
public sealed class MembershipCounters
{
    /// <summary>Protocol periods in which a probe was sent.</summary>
    public long Probes { get; internal set; }

    /// <summary>Probes that got no Ack, direct or indirect.</summary>
    public long FailedProbes { get; internal set; }

    /// <summary>Members this node itself started suspecting.</summary>
    public long SuspicionsRaised { get; internal set; }

    /// <summary>Members this node itself declared dead (FAIL) on its verdict.</summary>
    public long DeathsDeclared { get; internal set; }

    /// <summary>Times this node refuted a suspicion or death of itself.</summary>
    public long Refutations { get; internal set; }

    /// <summary>Pings outside the probe schedule (write-lease upkeep, probes of dead members).</summary>
    public long ExtraPings { get; internal set; }
}
