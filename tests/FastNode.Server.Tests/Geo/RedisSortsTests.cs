using FastNode.Server.Commands.Sort;

namespace FastNode.Server.Tests.Geo;

/// <summary>The stable sort and Redis's partial quicksort: the wanted range holds what a full sort puts there.</summary>
public sealed class RedisSortsTests
{
    private readonly struct ByKey : IItemComparer<(int Key, int Order)>
    {
        public int Compare(in (int Key, int Order) a, in (int Key, int Order) b) => a.Key.CompareTo(b.Key);
    }

    [Test]
    public void StableSortKeepsTheOrderOfEqualKeys()
    {
        var random = new Random(11);
        foreach (int n in new[] { 0, 1, 5, 16, 17, 100, 1000 })
        {
            var items = Enumerable.Range(0, n).Select(i => (Key: random.Next(10), Order: i)).ToArray();
            var expected = items.OrderBy(i => i.Key).ToArray();   // LINQ's OrderBy is stable
            RedisSorts.Stable(items.AsSpan(), new ByKey());
            Assert.That(items, Is.EqualTo(expected));
        }
    }

    [Test]
    public void PartialSortPutsTheWantedRangeInPlace()
    {
        var random = new Random(5);
        for (int round = 0; round < 300; round++)
        {
            int n = random.Next(0, 300);
            var items = Enumerable.Range(0, n).Select(i => (Key: random.Next(1000), Order: i)).ToArray();
            var sortedKeys = items.Select(i => i.Key).OrderBy(k => k).ToArray();
            int first = n == 0 ? 0 : random.Next(n), last = n == 0 ? -1 : random.Next(first, n);
            RedisSorts.Partial(items.AsSpan(), new ByKey(), first, last);
            for (int i = first; i <= last; i++) Assert.That(items[i].Key, Is.EqualTo(sortedKeys[i]), $"n={n} range={first}..{last}");
            Assert.That(items.Select(i => i.Order).OrderBy(o => o), Is.EqualTo(Enumerable.Range(0, n)), "a permutation");
        }
    }
}
