namespace FastNode.Cluster.Membership;

/// <summary>SWIM and Lifeguard settings. Times are milliseconds; defaults follow memberlist's LAN profile.</summary>
public sealed record MembershipOptions
{
    /// <summary>Protocol period: one member is probed per period.</summary>
    public int ProbeIntervalMs { get; init; } = 1000;

    /// <summary>How long to wait for a direct Ack before asking others to probe (about a 99th-percentile RTT).</summary>
    public int ProbeTimeoutMs { get; init; } = 500;

    /// <summary>k: members asked to probe indirectly when the direct probe is not answered.</summary>
    public int IndirectProbes { get; init; } = 3;

    /// <summary>An item is sent RetransmitMultiplier × ceil(log10(N + 1)) times by each node that queues it.</summary>
    public int RetransmitMultiplier { get; init; } = 4;

    /// <summary>Most gossip items piggy-backed on one Ping or Ack.</summary>
    public int MaxGossipPerMessage { get; init; } = 8;

    /// <summary>Most bytes of gossip piggy-backed on one Ping or Ack.</summary>
    public int MaxGossipBytesPerMessage { get; init; } = 16 * 1024;

    /// <summary>Lifeguard suspicion: minimum timeout = this × log10(N) × probe interval (memberlist's SuspicionMult).</summary>
    public int SuspicionMultiplier { get; init; } = 4;

    /// <summary>Lifeguard suspicion: maximum timeout = this × the minimum.</summary>
    public int SuspicionMaxMultiplier { get; init; } = 6;

    /// <summary>Independent confirmations after which the suspicion timeout is at its minimum.</summary>
    public int ExpectedConfirmations { get; init; } = 3;

    /// <summary>Highest Lifeguard local health score.</summary>
    public int MaxLocalHealth { get; init; } = 8;

    /// <summary>Every this many periods, also ping one member believed dead, so a healed partition finds its way back.</summary>
    public int DeadProbePeriods { get; init; } = 4;
}
