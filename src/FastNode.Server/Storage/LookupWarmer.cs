using System.Runtime.CompilerServices;
using FastNode.Protocol;

namespace FastNode.Server.Storage;

/// <summary>
/// Overlaps the cache misses of the next pipelined lookups. A GET over a large keyspace waits on four dependent
/// loads (bucket, entry, key bytes, value bytes), each a likely miss: measured as a third of a pipelined GET's CPU.
/// Done one command at a time those waits add up; done for a group of upcoming keys stage by stage (all buckets,
/// then all entries, then all key and value arrays), the loads of one stage are independent and the CPU issues them
/// together, so the group pays roughly one round of misses per stage instead of one per key.
/// It only reads, without the shard locks: a racing writer can make it touch the wrong memory, never break anything
/// (every read is bounds-checked, and the real lookup runs later under the lock).
/// </summary>
public static class LookupWarmer
{
    public const int GroupSize = 16;

    /// <summary>Off only in the benchmark that measures what warming saves (perf/FastNode.Benchmarks).</summary>
    internal static bool Enabled = true;

    /// <summary>
    /// Below this many keys in the database the data stays in the caches and warming is pure overhead (the look-ahead
    /// parse and a second hash): LargeKeyspaceBenchmarks measured GET at 10k keys 189 ns without warming, 208 with;
    /// at 30k 377 without, 338 with; at 1M 1,050 without, 576 with.
    /// </summary>
    public const int WarmFromKeys = 16 * 1024;

    // Where the touched lengths go, so the JIT cannot drop the reads as unused (per thread: no shared line).
    [ThreadStatic] private static int t_sink;

    [InlineArray(GroupSize)]
    private struct Refs<T> where T : class
    {
        private T? _element;
    }

    /// <summary>
    /// Warms the lookups of the whole requests at the start of <paramref name="input"/> (up to <see cref="GroupSize"/>),
    /// taking each one's second argument as its key. Returns how many requests it looked at; 0 when the input does not
    /// start with a whole multibulk request.
    /// </summary>
    public static int Warm(ReadOnlySpan<byte> input, Database db)
    {
        if (!Enabled || db.ApproximateCount < WarmFromKeys) return 0;
        Span<ulong> hashes = stackalloc ulong[GroupSize];
        int requests = 0, keys = 0, offset = 0;
        while (requests < GroupSize && RespKeyPeek.TryNext(input.Slice(offset), out int consumed, out var key))
        {
            offset += consumed;
            requests++;
            if (!key.IsEmpty) hashes[keys++] = KeyHasher.Hash(key);
        }
        if (keys < 2) return requests;   // one lookup has nothing to overlap with

        Span<int> slots = stackalloc int[GroupSize];
        for (int i = 0; i < keys; i++) slots[i] = db.ShardFor(hashes[i]).PeekBucket(hashes[i]);

        Refs<byte[]> keyArrays = default;
        Refs<object> values = default;
        Span<int> offsets = stackalloc int[GroupSize];
        int touched = 0;
        for (int i = 0; i < keys; i++) touched += db.ShardFor(hashes[i]).PeekEntry(slots[i], out keyArrays[i], out values[i], out offsets[i]);

        // The key: both ends of its array, its header (length) and its last byte, which may sit on the next cache line.
        // A string value: the first byte of its chunk in a slab (the slab's header is shared and warm), or the last of
        // an array of its own. The offset was read without the lock, hence the range check.
        for (int i = 0; i < keys; i++)
        {
            if (keyArrays[i] is { Length: > 0 } k) touched += k[^1];
            // An exact type test: "is byte[]" goes through the runtime's cast helper (byte[] and sbyte[] are compatible).
            if (values[i] is { } v && v.GetType() == typeof(byte[]) && Unsafe.As<byte[]>(v) is { Length: > 0 } bytes)
                touched += offsets[i] == 0 ? bytes[^1] : (uint)offsets[i] < (uint)bytes.Length ? bytes[offsets[i]] : 0;
        }
        t_sink = touched;
        return requests;
    }
}
