namespace FastNode.Cluster.Membership;

/// <summary>The probe of one protocol period (SWIM section 3.1): direct ping, then ping-req through k members.</summary>
internal sealed class ProbeRound(Member target, uint sequence, long startedAt)
{
    public Member Target { get; } = target;

    public uint Sequence { get; } = sequence;

    public long StartedAt { get; } = startedAt;

    /// <summary>An Ack came, directly or relayed.</summary>
    public bool Acked { get; set; }

    public bool IndirectSent { get; set; }

    /// <summary>PingRequests sent; each should bring back an Ack or a Nack.</summary>
    public int ExpectedNacks { get; set; }

    public int NacksReceived { get; set; }
}
