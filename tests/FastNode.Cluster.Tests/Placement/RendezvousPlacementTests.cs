using FastNode.Cluster.Nodes;
using FastNode.Cluster.Placement;
using FastNode.Cluster.Routing;

namespace FastNode.Cluster.Tests.Placement;

public class RendezvousPlacementTests
{
    private static List<NodeId> Ids(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => NodeId.NewRandom(random)).ToList();
    }

    [Test]
    public void OwnerDoesNotDependOnCandidateOrder()
    {
        var ids = Ids(7, 1);
        var reversed = Enumerable.Reverse(ids).ToList();
        for (int slot = 0; slot < KeySlot.SlotCount; slot += 97)
        {
            Assert.That(RendezvousPlacement.Owner(slot, ids), Is.EqualTo(RendezvousPlacement.Owner(slot, reversed)));
        }
    }

    [TestCase(3)]
    [TestCase(10)]
    [TestCase(100)]
    public void SlotsSpreadEvenly(int n)
    {
        var counts = RendezvousPlacement.Assign(Ids(n, n)).GroupBy(o => o).Select(g => g.Count()).ToList();
        double ideal = (double)KeySlot.SlotCount / n;
        Assert.That(counts, Has.Count.EqualTo(n));
        // Binomial spread: within 5 standard deviations of the ideal share.
        double sd = Math.Sqrt(KeySlot.SlotCount * (1.0 / n) * (1 - 1.0 / n));
        Assert.That(counts.Max(), Is.LessThan(ideal + 5 * sd));
        Assert.That(counts.Min(), Is.GreaterThan(ideal - 5 * sd));
    }

    [TestCase(3)]
    [TestCase(10)]
    [TestCase(100)]
    public void JoinTakesAboutOneOverNAndOnlyFromOthersToTheNewcomer(int n)
    {
        var ids = Ids(n + 1, 100 + n);
        var before = RendezvousPlacement.Assign(ids.Take(n).ToList());
        var after = RendezvousPlacement.Assign(ids);
        var moves = RendezvousPlacement.Diff(before, after);
        Assert.That(moves.All(m => m.To == ids[n]), Is.True, "every move goes to the joiner");
        double fraction = (double)moves.Count / KeySlot.SlotCount;
        Assert.That(fraction, Is.EqualTo(1.0 / (n + 1)).Within(5 * Math.Sqrt(1.0 / (n + 1) / KeySlot.SlotCount)));
    }

    [TestCase(3)]
    [TestCase(10)]
    [TestCase(100)]
    public void LeaveMovesOnlyTheLeaversSlots(int n)
    {
        var ids = Ids(n, 200 + n);
        var before = RendezvousPlacement.Assign(ids);
        var after = RendezvousPlacement.Assign(ids.Skip(1).ToList());
        var moves = RendezvousPlacement.Diff(before, after);
        Assert.That(moves.All(m => m.From == ids[0]), Is.True);
        Assert.That(moves, Has.Count.EqualTo(before.Count(o => o == ids[0])));
    }

    [Test]
    public void DiffCountsUnassignedSlotsAsMovesFromNone()
    {
        var ids = Ids(2, 3);
        var moves = RendezvousPlacement.Diff(new NodeId[KeySlot.SlotCount], RendezvousPlacement.Assign(ids));
        Assert.That(moves, Has.Count.EqualTo(KeySlot.SlotCount));
        Assert.That(moves.All(m => m.From.IsNone), Is.True);
    }
}
