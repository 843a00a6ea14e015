namespace FastNode.Cluster.Membership;

/// <summary>
/// What the membership reports to the layer above (memberlist's EventDelegate). Called synchronously from
/// <see cref="SwimMembership"/> on the thread that drives it; handlers must not call back into a probe in progress.
/// </summary>
public interface IMembershipEvents
{
    /// <summary>A member joined, came back (refuted a suspicion or death) or announced a new config.</summary>
    void MemberAlive(Member member, bool joined);

    /// <summary>A member became suspect (Redis PFAIL) on someone's accusation.</summary>
    void MemberSuspected(Member member, Nodes.NodeId accuser);

    /// <summary>A member was declared dead (Redis FAIL).</summary>
    void MemberDead(Member member);

    /// <summary>This node's own verdict made the member dead (it is also reported through <see cref="MemberDead"/>).</summary>
    void DeclaredDead(Member member, Wire.DeadItem verdict);

    /// <summary>A member left on purpose.</summary>
    void MemberLeft(Member member);

    /// <summary>This node's own probe of the member failed, direct and indirect: an independent observation.</summary>
    void ProbeFailed(Member member);
}
