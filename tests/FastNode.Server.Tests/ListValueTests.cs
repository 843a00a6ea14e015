using System.Text;
using FastNode.Server.Storage.Lists;

namespace FastNode.Server.Tests;

/// <summary>The list data structure on its own: packed and ring layouts, the conversion between them, and a randomized model check.</summary>
public sealed class ListValueTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static List<string> Forward(ListValue list)
    {
        var all = new List<string>();
        var walk = list.Walk(0, list.Count);
        while (walk.Next(out var element)) all.Add(Encoding.UTF8.GetString(element));
        return all;
    }

    private static List<string> Backward(ListValue list)
    {
        var all = new List<string>();
        var walk = list.Walk(list.Count - 1, list.Count, backward: true);
        while (walk.Next(out var element)) all.Add(Encoding.UTF8.GetString(element));
        return all;
    }

    [Test]
    public void PushesAndPopsAtBothEnds()
    {
        var list = new ListValue();
        list.Push(ListEnd.Right, B("b"));
        list.Push(ListEnd.Left, B("a"));
        list.Push(ListEnd.Right, B("c"));
        Assert.That(Forward(list), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(Backward(list), Is.EqualTo(new[] { "c", "b", "a" }));
        Assert.That(Encoding.UTF8.GetString(list.Peek(ListEnd.Left)), Is.EqualTo("a"));
        Assert.That(Encoding.UTF8.GetString(list.Peek(ListEnd.Right)), Is.EqualTo("c"));
        list.Remove(ListEnd.Left);
        list.Remove(ListEnd.Right);
        Assert.That(Forward(list), Is.EqualTo(new[] { "b" }));
        Assert.That(list.IsPacked, Is.True);
    }

    [Test]
    public void EncodingIsQuicklistAsInRedis70()
    {
        var list = new ListValue();
        list.Push(ListEnd.Right, B("x"));
        Assert.That(Encoding.ASCII.GetString(list.ObjectEncoding), Is.EqualTo("quicklist"));
    }

    [Test]
    public void SmallListCostsTwoBytesPerElementPlusData()
    {
        var list = new ListValue();
        list.Reserve(ListEnd.Right, 5, 5 * ListValue.PackedSize(6));
        for (int i = 0; i < 5; i++) list.Push(ListEnd.Right, B($"value{i}"));
        Assert.That(list.IsPacked, Is.True);
        Assert.That(list.Capacity, Is.EqualTo(5 * (6 + 2)), "a list pushed in one command gets exactly the room it needs");
    }

    [Test]
    public void LengthsFrom128BytesTakeTwoByteHeaders()
    {
        var list = new ListValue();
        var long1 = new string('x', 128);
        var long2 = new string('y', 3000);
        list.Push(ListEnd.Right, B("short"));
        list.Push(ListEnd.Right, B(long1));
        list.Push(ListEnd.Left, B(long2));
        Assert.That(list.IsPacked, Is.True);
        Assert.That(Forward(list), Is.EqualTo(new[] { long2, "short", long1 }));
        Assert.That(Backward(list), Is.EqualTo(new[] { long1, "short", long2 }));
        Assert.That(Encoding.UTF8.GetString(list.Get(2)), Is.EqualTo(long1));
    }

    [Test]
    public void ConvertsToTheRingPastTheCountLimit()
    {
        var list = new ListValue();
        for (int i = 0; i < ListValue.MaxPackedCount; i++) list.Push(ListEnd.Right, B(i.ToString()));
        Assert.That(list.IsPacked, Is.True);
        list.Push(ListEnd.Left, B("head"));
        Assert.That(list.IsPacked, Is.False);
        Assert.That(list.Count, Is.EqualTo(ListValue.MaxPackedCount + 1));
        Assert.That(Encoding.UTF8.GetString(list.Get(0)), Is.EqualTo("head"));
        Assert.That(Encoding.UTF8.GetString(list.Get(ListValue.MaxPackedCount)), Is.EqualTo((ListValue.MaxPackedCount - 1).ToString()));
    }

    [Test]
    public void ConvertsToTheRingForABigElement()
    {
        var list = new ListValue();
        list.Push(ListEnd.Right, B("a"));
        list.Push(ListEnd.Right, new byte[ListValue.MaxPackedBytes]);
        Assert.That(list.IsPacked, Is.False);
        Assert.That(list.Get(1).Length, Is.EqualTo(ListValue.MaxPackedBytes));
    }

    [Test]
    public void LSetThatOutgrowsThePackedLayoutConverts()
    {
        var list = new ListValue();
        list.Push(ListEnd.Right, B("a"));
        list.Push(ListEnd.Right, B("b"));
        list.Set(0, new byte[ListValue.MaxPackedBytes]);
        Assert.That(list.IsPacked, Is.False);
        Assert.That(list.Get(0).Length, Is.EqualTo(ListValue.MaxPackedBytes));
        Assert.That(Encoding.UTF8.GetString(list.Get(1)), Is.EqualTo("b"));
    }

    [Test]
    public void DeepCopySharesNothing()
    {
        foreach (int size in new[] { 3, 300 })
        {
            var list = new ListValue();
            for (int i = 0; i < size; i++) list.Push(ListEnd.Right, B($"e{i}"));
            var copy = (ListValue)list.DeepCopy();
            list.Set(0, B("e9"));    // same length: rewritten in place in the ring
            list.Remove(ListEnd.Right);
            Assert.That(copy.Count, Is.EqualTo(size));
            Assert.That(Encoding.UTF8.GetString(copy.Get(0)), Is.EqualTo("e0"));
            Assert.That(Encoding.UTF8.GetString(copy.Get(size - 1)), Is.EqualTo($"e{size - 1}"));
        }
    }

    [Test]
    public void DrainedQueueGivesItsMemoryBack()
    {
        var list = new ListValue();
        for (int i = 0; i < 10_000; i++) list.Push(ListEnd.Right, B("x"));
        for (int i = 0; i < 9_990; i++) list.Remove(ListEnd.Left);
        Assert.That(list.Capacity, Is.LessThanOrEqualTo(64));
        Assert.That(Forward(list), Has.Count.EqualTo(10));
    }

    [TestCase(1, 40)]       // tiny alphabet and short values: stays packed, many LREM matches
    [TestCase(2, 200)]      // longer values (two-byte headers) and more elements: converts to the ring
    [TestCase(3, 2000)]
    public void RandomOperationsMatchAReferenceList(int seed, int maxLength)
    {
        var random = new Random(seed);
        var list = new ListValue();
        var model = new List<byte[]>();
        string[] alphabet = ["a", "b", "c", "dd", ""];
        byte[] Value()
        {
            int pick = random.Next(10);
            if (pick < 6) return B(alphabet[random.Next(alphabet.Length)]);
            var bytes = new byte[random.Next(1, maxLength < 200 ? 20 : 400)];
            random.NextBytes(bytes);
            return bytes;
        }

        for (int step = 0; step < 20_000; step++)
        {
            int op = random.Next(100);
            if (model.Count > maxLength) op = 40 + op % 20;   // pop when big
            if (op < 20)
            {
                var v = Value();
                list.Push(ListEnd.Left, v);
                model.Insert(0, v);
            }
            else if (op < 40)
            {
                var v = Value();
                list.Push(ListEnd.Right, v);
                model.Add(v);
            }
            else if (op < 50 && model.Count > 0)
            {
                Assert.That(list.Peek(ListEnd.Left).ToArray(), Is.EqualTo(model[0]));
                list.Remove(ListEnd.Left);
                model.RemoveAt(0);
            }
            else if (op < 60 && model.Count > 0)
            {
                Assert.That(list.Peek(ListEnd.Right).ToArray(), Is.EqualTo(model[^1]));
                list.Remove(ListEnd.Right);
                model.RemoveAt(model.Count - 1);
            }
            else if (op < 68 && model.Count > 0)
            {
                int i = random.Next(model.Count);
                var v = Value();
                list.Set(i, v);
                model[i] = v;
            }
            else if (op < 76)
            {
                int i = random.Next(model.Count + 1);
                var v = Value();
                list.Insert(i, v);
                model.Insert(i, v);
            }
            else if (op < 82)
            {
                var v = B(alphabet[random.Next(alphabet.Length)]);
                long limit = random.Next(-3, 4);
                long removed = list.RemoveMatching(v, limit);
                Assert.That(removed, Is.EqualTo(ReferenceRemove(model, v, limit)));
            }
            else if (op < 84 && model.Count > 0)
            {
                int start = random.Next(model.Count);
                int keep = random.Next(model.Count - start + 1);
                list.Trim(start, keep);
                model.RemoveRange(start + keep, model.Count - start - keep);
                model.RemoveRange(0, start);
            }
            else if (model.Count > 0)
            {
                int i = random.Next(model.Count);
                Assert.That(list.Get(i).ToArray(), Is.EqualTo(model[i]), $"index {i} at step {step}");
            }

            Assert.That(list.Count, Is.EqualTo(model.Count), $"count at step {step}");
            if (step % 97 == 0) AssertSame(list, model);
        }
        AssertSame(list, model);
    }

    /// <summary>
    /// Memory report, not a check: 100k keys each holding a list of 5 eight-byte elements, loaded through the command
    /// path, managed heap measured after full collections. Compare with redis-server's used_memory for the same data.
    /// </summary>
    [Test, Explicit("memory report; run by hand")]
    public void MemoryPerElementReport([Values(false, true)] bool onePushPerElement)
    {
        const int lists = 100_000;
        var server = new ServerState(new Config.ServerOptions { Port = 0 });
        var processor = new Network.CommandProcessor(server,
            new Sessions.ClientSession("127.0.0.1:50000", "127.0.0.1:6379", server.NowMs), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var sink = new Network.NullBufferWriter();
        long before = GC.GetTotalMemory(true);
        for (int start = 0; start < lists; start += 1000)
        {
            var batch = new MemoryStream();
            for (int i = start; i < start + 1000; i++)
            {
                string key = $"list:{i:D6}";
                if (onePushPerElement)
                {
                    for (int e = 1; e <= 5; e++) batch.Write(Resp.Command("RPUSH", key, $"element{e}"));
                }
                else
                {
                    batch.Write(Resp.Command("RPUSH", key, "element1", "element2", "element3", "element4", "element5"));
                }
            }
            var input = new System.Buffers.ReadOnlySequence<byte>(batch.ToArray());
            processor.Process(ref input, sink);
        }
        long after = GC.GetTotalMemory(true);
        GC.KeepAlive(server);
        double perKey = (after - before) / (double)lists;
        TestContext.Out.WriteLine($"one push per element: {onePushPerElement}; {perKey:F1} bytes per key, {perKey / 5:F1} bytes per element (keys, entries and lists included)");
    }

    /// <summary>Memory report, not a check: one list of 1M eight-byte elements (the ring layout).</summary>
    [Test, Explicit("memory report; run by hand")]
    public void BigListMemoryReport()
    {
        long before = GC.GetTotalMemory(true);
        var list = new ListValue();
        for (int i = 0; i < 1_000_000; i++) list.Push(ListEnd.Right, B($"e{i % 10_000_000:D7}"));
        long after = GC.GetTotalMemory(true);
        GC.KeepAlive(list);
        TestContext.Out.WriteLine($"{(after - before) / 1_000_000.0:F1} bytes per element in a 1M-element list");
    }

    private static long ReferenceRemove(List<byte[]> model, byte[] value, long limit)
    {
        long removed = 0;
        if (limit >= 0)
        {
            for (int i = 0; i < model.Count && (limit == 0 || removed < limit);)
            {
                if (model[i].AsSpan().SequenceEqual(value))
                {
                    model.RemoveAt(i);
                    removed++;
                }
                else i++;
            }
        }
        else
        {
            for (int i = model.Count - 1; i >= 0 && removed < -limit; i--)
            {
                if (!model[i].AsSpan().SequenceEqual(value)) continue;
                model.RemoveAt(i);
                removed++;
            }
        }
        return removed;
    }

    private static void AssertSame(ListValue list, List<byte[]> model)
    {
        var forward = new List<byte[]>();
        var walk = list.Walk(0, list.Count);
        while (walk.Next(out var element)) forward.Add(element.ToArray());
        Assert.That(forward, Is.EqualTo(model));
        var backward = new List<byte[]>();
        var back = list.Walk(list.Count - 1, list.Count, backward: true);
        while (back.Next(out var element)) backward.Add(element.ToArray());
        backward.Reverse();
        Assert.That(backward, Is.EqualTo(model));
        if (model.Count > 2)
        {
            int middle = model.Count / 2;
            var part = new List<byte[]>();
            var from = list.Walk(middle, 3);
            while (from.Next(out var element)) part.Add(element.ToArray());
            Assert.That(part, Is.EqualTo(model.GetRange(middle, Math.Min(3, model.Count - middle))));
        }
        var copy = (ListValue)list.DeepCopy();
        Assert.That(copy.Count, Is.EqualTo(model.Count));
    }
}
