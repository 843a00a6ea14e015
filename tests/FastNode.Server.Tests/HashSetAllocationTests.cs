using System.Buffers;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Server.Tests;

/// <summary>
/// The hash and set hot paths allocate nothing beyond stored data: a batch of 100 pipelined commands runs through one
/// session's <see cref="CommandProcessor.Process"/> on this thread and <see cref="GC.GetAllocatedBytesForCurrentThread"/>
/// must not move (a couple of batches out of 200 are tolerated for one-off runtime work such as tiered re-JIT).
/// Each case runs on a small (listpack/intset/packed) and a large (hashtable) collection.
/// </summary>
public sealed class HashSetAllocationTests
{
    private const int Batch = 100;

    private static string[] Fields(int n, string prefix, Func<int, string> value) =>
        Enumerable.Range(0, n).SelectMany(i => new[] { prefix + i, value(i) }).ToArray();

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (int size in new[] { 10, 300 })
        {
            string[] hash = ["HSET", "h", .. Fields(size, "field", i => "value" + i % 10)];
            string[] strings = ["SADD", "s", .. Enumerable.Range(0, size).Select(i => "member:" + i)];
            string[] ints = ["SADD", "i", .. Enumerable.Range(0, size).Select(i => (i * 7).ToString())];
            yield return Case($"HGET {size}", hash, i => ["HGET", "h", "field" + i % size]);
            yield return Case($"HGET missing {size}", hash, i => ["HGET", "h", "nofield" + i]);
            yield return Case($"HSET same size {size}", hash, i => ["HSET", "h", "field" + i % size, "VALUE" + i % 10]);
            yield return Case($"HEXISTS {size}", hash, i => ["HEXISTS", "h", "field" + i % size]);
            yield return Case($"HMGET {size}", hash, i => ["HMGET", "h", "field1", "field2", "nofield"]);
            yield return Case($"SADD existing {size}", strings, i => ["SADD", "s", "member:" + i % size]);
            yield return Case($"SADD existing int {size}", ints, i => ["SADD", "i", (i % size * 7).ToString()]);
            yield return Case($"SISMEMBER {size}", strings, i => ["SISMEMBER", "s", "member:" + i % (2 * size)]);
            yield return Case($"SISMEMBER int {size}", ints, i => ["SISMEMBER", "i", i.ToString()]);
            yield return Case($"SCARD {size}", strings, _ => ["SCARD", "s"]);
        }
        yield return Case("HGETALL small", ["HSET", "h", .. Fields(5, "f", i => "v" + i)], _ => ["HGETALL", "h"]);
        yield return Case("SMEMBERS intset", ["SADD", "i", "1", "2", "3", "40000"], _ => ["SMEMBERS", "i"]);
        yield return Case("SINTER intsets", ["SADD", "i", "1", "2", "3", "40000"], _ => ["SINTER", "i", "i"]);
    }

    private static TestCaseData Case(string name, string[] setup, Func<int, string[]> command) =>
        new TestCaseData(setup, command).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Cases))]
    public void AllocatesNothing(string[] setup, Func<int, string[]> command)
    {
        var server = new ServerState(new ServerOptions { Port = 0 });
        var processor = new CommandProcessor(server, new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", server.NowMs), NullLogger.Instance);
        Run(processor, Resp.Command(setup), new ArrayBufferWriter<byte>());
        var stream = new MemoryStream();
        for (int i = 0; i < Batch; i++) stream.Write(Resp.Command(command(i)));
        var request = stream.ToArray();

        var check = new ArrayBufferWriter<byte>();
        Run(processor, request, check);
        Assert.That(check.WrittenSpan.IndexOf("\r\n-"u8), Is.LessThan(0), "no error replies");
        Assert.That(check.WrittenSpan[0], Is.Not.EqualTo((byte)'-'));

        var sink = new NullBufferWriter();
        for (int i = 0; i < 50; i++) Run(processor, request, sink);
        int allocating = 0;
        long total = 0;
        for (int i = 0; i < 200; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(processor, request, sink);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            total += allocated;
            if (allocated > 0) allocating++;
        }
        Assert.That(allocating, Is.LessThanOrEqualTo(2), $"batches that allocated; {total / (200.0 * Batch):F2} B/command on average");
    }

    /// <summary>The measured call: no assertion inside (NUnit constraints allocate), only a cheap check.</summary>
    private static void Run(CommandProcessor processor, byte[] request, IBufferWriter<byte> output)
    {
        var input = new ReadOnlySequence<byte>(request);
        var reason = processor.Process(ref input, output);
        if (reason is not null || !input.IsEmpty) Assert.Fail($"the batch did not run to its end (close reason: {reason})");
    }
}
