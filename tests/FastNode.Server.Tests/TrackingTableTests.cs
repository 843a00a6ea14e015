using System.Text;
using FastNode.Server.Tracking;

namespace FastNode.Server.Tests;

/// <summary>
/// The tracking table's readers as slot bits (Tracking/TrackingTable.cs, TrackingSlots.cs): a slot maps back to its
/// client, stays held while a key has its bit, and is only handed to another client once no key does (or that client
/// would be told about keys it never read).
/// </summary>
public sealed class TrackingTableTests
{
    private static byte[] K(string key) => Encoding.ASCII.GetBytes(key);

    [Test]
    public void RememberedKeyIsTakenOnceWithItsClients()
    {
        var slots = new TrackingSlots();
        var table = new TrackingTable(slots);
        int a = slots.Acquire(101), b = slots.Acquire(102);
        table.Remember(K("k"), a);
        table.Remember(K("k"), b);
        table.Remember(K("k"), a);
        Assert.That(table.Keys, Is.EqualTo(1));
        Assert.That(table.Items, Is.EqualTo(2));
        Assert.That(table.IsTracked(K("k"), a), Is.True);
        Assert.That(table.IsTracked(K("other"), a), Is.False);
        var ids = new List<long>();
        Assert.That(table.TryTake(K("k"), ids), Is.True);
        Assert.That(ids, Is.EquivalentTo(new long[] { 101, 102 }));
        Assert.That(table.TryTake(K("k"), ids), Is.False);
        Assert.That(table.IsTracked(K("k"), a), Is.False);
        Assert.That((table.Keys, table.Items), Is.EqualTo((0L, 0L)));
    }

    [Test]
    public void SlotOfAGoneClientIsNotReusedWhileAKeyHasItsBit()
    {
        var slots = new TrackingSlots();
        var table = new TrackingTable(slots);
        int gone = slots.Acquire(1);
        table.Remember(K("k"), gone);
        slots.Release(1);
        int next = slots.Acquire(2);
        Assert.That(next, Is.Not.EqualTo(gone), "the slot is still held by k's bit");
        var ids = new List<long>();
        Assert.That(table.TryTake(K("k"), ids), Is.True);
        Assert.That(ids, Is.EqualTo(new long[] { 1 }), "the gone client's id (the invalidation skips it later)");
        Assert.That(slots.ClientOf(gone), Is.Zero, "freed once k was taken");
        Assert.That(slots.Acquire(3), Is.EqualTo(gone), "smallest free slot first");
    }

    [Test]
    public void ClientTrackingAgainGetsItsHeldSlotBack()
    {
        var slots = new TrackingSlots();
        var table = new TrackingTable(slots);
        int first = slots.Acquire(7);
        table.Remember(K("k"), first);
        slots.Release(7);
        Assert.That(slots.Acquire(7), Is.EqualTo(first));
        slots.Release(7);
        table.Clear();
        Assert.That(slots.InUse, Is.Zero, "FLUSHALL's clear drops the last bit, and the released slot with it");
    }

    [Test]
    public void ManyKeysAndSlotsPastTheInlineWord()
    {
        var slots = new TrackingSlots();
        var table = new TrackingTable(slots);
        var clientSlots = new int[200];
        for (int c = 0; c < clientSlots.Length; c++) clientSlots[c] = slots.Acquire(1000 + c);
        for (int k = 0; k < 5000; k++) table.Remember(K($"key:{k}"), clientSlots[k % clientSlots.Length]);
        Assert.That(table.Keys, Is.EqualTo(5000));
        for (int k = 0; k < 5000; k += 2)
        {
            var ids = new List<long>();
            Assert.That(table.TryTake(K($"key:{k}"), ids), Is.True, $"key:{k}");
            Assert.That(ids, Is.EqualTo(new long[] { 1000 + k % clientSlots.Length }));
        }
        // The odd keys are still found after the tombstones and rehashes the removals left.
        for (int k = 1; k < 5000; k += 2) Assert.That(table.IsTracked(K($"key:{k}"), clientSlots[k % clientSlots.Length]), Is.True, $"key:{k}");
        for (int k = 0; k < 5000; k += 2) table.Remember(K($"key:{k}"), clientSlots[199]);
        Assert.That(table.Keys, Is.EqualTo(5000));
        Assert.That(table.Items, Is.EqualTo(5000));
    }

    [Test]
    public void ConcurrentRemembersAndTakesLoseNoReader()
    {
        var slots = new TrackingSlots();
        var table = new TrackingTable(slots);
        int reader = slots.Acquire(42);
        var stop = DateTime.UtcNow.AddSeconds(2);
        int missed = 0;
        var taker = Task.Run(() =>
        {
            var ids = new List<long>();
            for (int round = 0; round < 200_000 && DateTime.UtcNow < stop; round++)
            {
                if (table.TryTake(K($"key:{round % 64}"), ids) && !ids.Contains(42)) Interlocked.Increment(ref missed);
            }
        });
        for (int round = 0; round < 200_000 && DateTime.UtcNow < stop; round++) table.Remember(K($"key:{round % 64}"), reader);
        taker.Wait();
        Assert.That(missed, Is.Zero, "every taken key had the reader's id");
        var left = new List<long>();
        for (int k = 0; k < 64; k++) table.TryTake(K($"key:{k}"), left);
        Assert.That((table.Keys, table.Items), Is.EqualTo((0L, 0L)));
    }
}
