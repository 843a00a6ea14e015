namespace FastNode.Cluster.Membership;

/// <summary>A member's state in the SWIM sense. Sent in state syncs: append only, values are part of the protocol.</summary>
public enum MemberState : byte
{
    Alive = 0,
    /// <summary>Someone's probes failed; the member may refute with a higher incarnation. Redis shows "fail?" (PFAIL).</summary>
    Suspect = 1,
    /// <summary>Confirmed failed. Redis shows "fail" (FAIL).</summary>
    Dead = 2,
    /// <summary>Left on purpose.</summary>
    Left = 3,
}
