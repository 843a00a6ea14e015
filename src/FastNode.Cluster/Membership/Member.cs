using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Membership;

/// <summary>
/// One node as this node sees it. Changed only by <see cref="MemberTable"/> (state rules) and
/// <see cref="SwimMembership"/> (timestamps); all on the thread that drives the membership.
/// </summary>
public sealed class Member
{
    internal Member(NodeId id, long incarnation, MemberState state, NodeConfig config, long now)
    {
        Id = id;
        Incarnation = incarnation;
        State = state;
        Config = config;
        StateChangedAt = now;
    }

    public NodeId Id { get; }

    /// <summary>The member's own version counter; only the member raises it (to refute, or to announce a new config).</summary>
    public long Incarnation { get; internal set; }

    public MemberState State { get; internal set; }

    /// <summary>The config announced with <see cref="Incarnation"/>.</summary>
    public NodeConfig Config { get; internal set; }

    /// <summary>Monotonic milliseconds of the last state change.</summary>
    public long StateChangedAt { get; internal set; }

    /// <summary>Monotonic milliseconds of the last frame received from this member (0 = never); CLUSTER NODES pong-recv.</summary>
    public long LastHeardAt { get; internal set; }

    /// <summary>Monotonic milliseconds of the last ping sent to it that is still unanswered (0 = none); CLUSTER NODES ping-sent.</summary>
    public long PingPendingSince { get; internal set; }

    /// <summary>Who suspects it and since when; set only while <see cref="State"/> is Suspect.</summary>
    public Suspicion? Suspicion { get; internal set; }

    public bool IsProbeable => State is MemberState.Alive or MemberState.Suspect;

    public MemberRecord ToRecord() => new(Id, Incarnation, State, Config);

    public override string ToString() => $"{Id.Short}@{Incarnation}:{State}";
}
