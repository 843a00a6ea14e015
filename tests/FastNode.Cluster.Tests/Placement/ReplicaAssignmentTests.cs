using FastNode.Cluster.Nodes;
using FastNode.Cluster.Placement;

namespace FastNode.Cluster.Tests.Placement;

public class ReplicaAssignmentTests
{
    private static readonly Random Random = new(5);

    private static PlacementNode Node(string host) => new(NodeId.NewRandom(Random), host);

    [Test]
    public void EachPrimaryGetsOneReplicaNeverOnItsHost()
    {
        // Three machines, a primary and a replica on each: the naive "same index" pairing puts each replica next to
        // its primary; the assignment must rotate them.
        var primaries = new[] { Node("a"), Node("b"), Node("c") };
        var replicas = new[] { Node("a"), Node("b"), Node("c") };
        var result = ReplicaAssignment.Assign(primaries, replicas);
        Assert.That(result, Has.Count.EqualTo(3));
        Assert.That(result.Values.Distinct().Count(), Is.EqualTo(3));
        foreach (var (replica, primary) in result)
        {
            Assert.That(replicas.First(r => r.Id == replica).Host, Is.Not.EqualTo(primaries.First(p => p.Id == primary).Host));
        }
    }

    [Test]
    public void MatchingFindsTheOnlyValidPairing()
    {
        // r1 can only serve p2 (same host as p1); r2 can serve either. Greedy r2→p2 would strand p1.
        var p1 = Node("x");
        var p2 = Node("y");
        var r1 = Node("x");
        var r2 = Node("z");
        var result = ReplicaAssignment.Assign([p1, p2], [r2, r1]);
        Assert.That(result[r1.Id], Is.EqualTo(p2.Id));
        Assert.That(result[r2.Id], Is.EqualTo(p1.Id));
    }

    [Test]
    public void SparesGoToTheLeastServedPrimary()
    {
        var primaries = new[] { Node("a"), Node("b") };
        var replicas = Enumerable.Range(0, 5).Select(i => Node($"r{i}")).ToArray();
        var result = ReplicaAssignment.Assign(primaries, replicas);
        var perPrimary = result.Values.GroupBy(p => p).Select(g => g.Count()).OrderBy(c => c).ToList();
        Assert.That(perPrimary, Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public void ValidCurrentAssignmentsAreKept()
    {
        var primaries = new[] { Node("a"), Node("b") };
        var replicas = new[] { Node("c"), Node("d") };
        var current = new Dictionary<NodeId, NodeId> { [replicas[0].Id] = primaries[1].Id, [replicas[1].Id] = primaries[0].Id };
        var result = ReplicaAssignment.Assign(primaries, replicas, current);
        Assert.That(result, Is.EquivalentTo(current));
    }

    [Test]
    public void AReplicaOnTheOnlyPrimarysHostStaysUnassigned()
    {
        var primary = Node("a");
        var replica = Node("a");
        Assert.That(ReplicaAssignment.Assign([primary], [replica]), Is.Empty);
    }

    [Test]
    public void SurplusReplicaMovesToAnOrphanedPrimary()
    {
        var p1 = Node("a");
        var p2 = Node("b");
        var r1 = Node("c");
        var r2 = Node("d");
        var current = new Dictionary<NodeId, NodeId> { [r1.Id] = p1.Id, [r2.Id] = p1.Id };
        var result = ReplicaAssignment.Assign([p1, p2], [r1, r2], current);
        Assert.That(result.Values.Distinct().Count(), Is.EqualTo(2));
    }
}
