using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Membership;

/// <summary>
/// Every member this node knows, itself included, and the SWIM rules for applying gossip to them (SWIM section 4.2,
/// memberlist's aliveNode/suspectNode/deadNode). Apply methods say whether the item was news, which decides whether
/// it is gossiped on. Items about this node itself are never applied here: the caller refutes them.
/// </summary>
public sealed class MemberTable
{
    private readonly Dictionary<NodeId, Member> _byId = [];
    private readonly List<Member> _all = [];

    public MemberTable(Member self)
    {
        Self = self;
        Add(self);
    }

    public Member Self { get; }

    /// <summary>Members in the order they were learned (stable, so seeded runs are deterministic).</summary>
    public IReadOnlyList<Member> All => _all;

    public int Count => _all.Count;

    public Member? Find(NodeId id) => _byId.GetValueOrDefault(id);

    /// <summary>CLUSTER FORGET: drops a member entirely (its records are no longer gossiped or synced).</summary>
    public bool Remove(NodeId id)
    {
        if (id == Self.Id || !_byId.Remove(id, out var member)) return false;
        _all.Remove(member);
        return true;
    }

    private void Add(Member member)
    {
        _byId.Add(member.Id, member);
        _all.Add(member);
    }

    public enum Outcome
    {
        /// <summary>Old or irrelevant: drop it.</summary>
        Ignored,
        /// <summary>Changed this node's view: gossip it on.</summary>
        News,
        /// <summary>A further accuser of a suspicion already held: counted, not gossiped on.</summary>
        Confirmation,
    }

    public Outcome ApplyAlive(AliveItem item, long now, out Member? member, out bool joined)
    {
        joined = false;
        member = Find(item.Subject);
        if (member is null)
        {
            member = new Member(item.Subject, item.Incarnation, MemberState.Alive, item.Config, now);
            Add(member);
            joined = true;
            return Outcome.News;
        }
        if (item.Incarnation <= member.Incarnation) return Outcome.Ignored;
        member.Incarnation = item.Incarnation;
        member.Config = item.Config;
        SetState(member, MemberState.Alive, now);
        return Outcome.News;
    }

    public Outcome ApplySuspect(SuspectItem item, long now, out Member? member)
    {
        member = Find(item.Subject);
        if (member is null || item.Incarnation < member.Incarnation) return Outcome.Ignored;
        if (member.State is MemberState.Dead or MemberState.Left) return Outcome.Ignored;
        if (member.State == MemberState.Suspect && item.Incarnation == member.Incarnation)
        {
            return member.Suspicion!.Confirm(item.Accuser, now) ? Outcome.Confirmation : Outcome.Ignored;
        }
        member.Incarnation = item.Incarnation;
        SetState(member, MemberState.Suspect, now);
        member.Suspicion = new Suspicion(item.Incarnation, now, item.Accuser);
        return Outcome.News;
    }

    public Outcome ApplyDead(DeadItem item, long now, out Member? member)
    {
        member = Find(item.Subject);
        if (member is null || item.Incarnation < member.Incarnation) return Outcome.Ignored;
        if (member.State is MemberState.Dead or MemberState.Left) return Outcome.Ignored;
        member.Incarnation = item.Incarnation;
        SetState(member, MemberState.Dead, now);
        return Outcome.News;
    }

    public Outcome ApplyLeft(LeftItem item, long now, out Member? member)
    {
        member = Find(item.Subject);
        if (member is null || item.Incarnation < member.Incarnation || member.State == MemberState.Left)
        {
            return Outcome.Ignored;
        }
        member.Incarnation = item.Incarnation;
        SetState(member, MemberState.Left, now);
        return Outcome.News;
    }

    /// <summary>Adds a member learned with its full record (a state sync) in whatever state the record has.</summary>
    public Member AddFromRecord(MemberRecord record, NodeId reporter, long now)
    {
        var member = new Member(record.Id, record.Incarnation, record.State, record.Config, now);
        if (record.State == MemberState.Suspect) member.Suspicion = new Suspicion(record.Incarnation, now, reporter);
        Add(member);
        return member;
    }

    /// <summary>
    /// Takes a config that came with a newer incarnation in a non-alive record (a state sync can carry the config of a
    /// member that changed it and then failed). True when the config was replaced.
    /// </summary>
    public static bool TakeNewerConfig(Member member, MemberRecord record)
    {
        if (record.Incarnation <= member.Incarnation || record.Config == member.Config) return false;
        member.Config = record.Config;
        return true;
    }

    private static void SetState(Member member, MemberState state, long now)
    {
        if (state != MemberState.Suspect) member.Suspicion = null;
        if (member.State == state) return;
        member.State = state;
        member.StateChangedAt = now;
    }
}
