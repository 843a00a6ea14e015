using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage;

/// <summary>
/// A shard's allocator for string values of up to <see cref="MaxChunk"/> bytes: chunks of 40 size classes carved
/// from slab arrays. Why: a value in a byte[] of its own is copied by the GC twice (gen0 to gen1 to gen2) after it is
/// stored, stopping the server each time, and a workload that keeps storing values of new sizes spends its time there
/// (perf/README, "The 1 KB SET row"). Slabs grow to 256 KB and from then on sit on the large object heap, which is
/// never compacted; a chunk freed by an overwrite, a delete or an expiry is reused by the next value of its class,
/// and a slab whose chunks are all free goes back to the GC, so memory freed in one class can serve another.
/// Small values also lose the array's 24-byte header (a 16-byte value: 40 B -> 16 B).
///
/// A slab starts with <see cref="HeaderBytes"/> bytes of bookkeeping (its index and class, its count of live chunks,
/// its own free list, its place in the class's list of slabs with free chunks), so a chunk is known by (slab, offset)
/// alone and an <see cref="Entry"/> needs no extra field. Offset 0 is never a chunk.
/// Every member must be called with the owning shard's lock held.
/// </summary>
public sealed class StringSlabs
{
    /// <summary>The largest chunk; longer values keep an array of their own.</summary>
    public const int MaxChunk = 16 * 1024;

    public const int HeaderBytes = 24;

    private const int ClassCount = 40;
    // Header layout (little-endian ints, except the class byte).
    private const int IndexAt = 0, ClassAt = 4, LiveAt = 8, FreeHeadAt = 12, PartialAt = 16;
    private const int FirstSlabBytes = 4 * 1024;
    // Above the runtime's large-object threshold (85,000 bytes): such slabs are never moved by the GC.
    private const int LargeSlabBytes = 256 * 1024;

    private static readonly int[] s_chunkSizes = BuildChunkSizes();

    private struct SizeClass
    {
        /// <summary>Slabs by index; a given-back slab leaves a hole, reused by the next slab of the class.</summary>
        public byte[]?[] Slabs;
        public int SlabCount;
        public Stack<int>? Holes;
        /// <summary>Indices of the slabs that have chunks on their free list.</summary>
        public int[] Partial;
        public int PartialCount;
        /// <summary>The slab new chunks are carved from (-1: none yet), and its next unused offset.</summary>
        public int Current;
        public int Bump;
    }

    private SizeClass[]? _classes;   // created by the first allocation: most shards of unused databases never need it

    /// <summary>Bytes of slab arrays this allocator holds. Walks the slabs: for tests and diagnostics.</summary>
    public long SlabBytes => SumOverSlabs(static (slab, _) => slab.Length);

    /// <summary>Bytes of chunks on the free lists (reusable by their class). Walks the free lists.</summary>
    public long FreeBytes => FreeChunks().Sum(chunk => (long)CapacityOf(chunk.Slab));

    /// <summary>Bytes of chunks handed out and not freed: the values' footprint. Walks the slabs.</summary>
    public long LiveBytes => SumOverSlabs(static (slab, size) => (long)Read(slab, LiveAt) * size);

    /// <summary>The size class for a value needing <paramref name="capacity"/> bytes: steps of 8 up to 64, then four per doubling.</summary>
    public static int ClassOf(int capacity)
    {
        if (capacity <= 64) return capacity <= 8 ? 0 : (capacity - 1) >> 3;
        int p = BitOperations.Log2((uint)(capacity - 1));   // capacity is in (2^p, 2^(p+1)]
        return 8 + (p - 6) * 4 + ((capacity - 1 - (1 << p)) >> (p - 2));
    }

    public static int ChunkSize(int sizeClass) => s_chunkSizes[sizeClass];

    /// <summary>The usable size of the chunk at any offset of <paramref name="slab"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CapacityOf(byte[] slab) => s_chunkSizes[slab[ClassAt]];

    /// <summary>A chunk of at least <paramref name="capacity"/> (≤ <see cref="MaxChunk"/>) bytes; returns its offset in <paramref name="slab"/>.</summary>
    public int Allocate(int capacity, out byte[] slab)
    {
        int c = ClassOf(capacity);
        _classes ??= NewClasses();
        ref var sc = ref _classes[c];
        int size = s_chunkSizes[c];
        int offset;
        if (sc.PartialCount > 0)
        {
            slab = sc.Slabs[sc.Partial[sc.PartialCount - 1]]!;
            offset = Read(slab, FreeHeadAt);
            int next = Read(slab, offset);
            Write(slab, FreeHeadAt, next);
            if (next == 0)
            {
                sc.PartialCount--;
                Write(slab, PartialAt, -1);
            }
        }
        else
        {
            if (sc.Current < 0 || sc.Bump + size > sc.Slabs[sc.Current]!.Length) AddSlab(ref sc, c, size);
            slab = sc.Slabs[sc.Current]!;
            offset = sc.Bump;
            sc.Bump += size;
        }
        Write(slab, LiveAt, Read(slab, LiveAt) + 1);
        return offset;
    }

    /// <summary>Returns a chunk this allocator handed out. A chunk from another allocator is refused loudly: reusing
    /// it here would let two shards write the same bytes under different locks.</summary>
    public void Free(byte[] slab, int offset)
    {
        if (!Owns(slab) || offset < HeaderBytes || offset >= slab.Length)
            throw new InvalidOperationException("a string chunk was freed to an allocator that does not own it");
        int c = slab[ClassAt];
        ref var sc = ref _classes![c];
        Write(slab, offset, Read(slab, FreeHeadAt));
        Write(slab, FreeHeadAt, offset);
        if (Read(slab, PartialAt) < 0)
        {
            if (sc.PartialCount == sc.Partial.Length) Array.Resize(ref sc.Partial, sc.PartialCount * 2);
            Write(slab, PartialAt, sc.PartialCount);
            sc.Partial[sc.PartialCount++] = Read(slab, IndexAt);
        }
        int live = Read(slab, LiveAt) - 1;
        Write(slab, LiveAt, live);
        // The current slab stays even when empty (the next chunks are carved from it; its free ones are taken first).
        if (live == 0 && Read(slab, IndexAt) != sc.Current) GiveBack(ref sc, slab);
    }

    /// <summary>Drops every slab (FLUSHDB, or a shard that emptied): the memory goes back to the GC.</summary>
    public void Reset() => _classes = null;

    /// <summary>Whether <paramref name="slab"/> is one of this allocator's (and not given back).</summary>
    internal bool Owns(byte[] slab)
    {
        if (_classes is null || slab.Length < HeaderBytes) return false;
        int c = slab[ClassAt];
        int index = Read(slab, IndexAt);
        return c < ClassCount && index >= 0 && index < _classes[c].SlabCount && ReferenceEquals(_classes[c].Slabs[index], slab);
    }

    /// <summary>For tests: every chunk on the free lists, as (slab, offset).</summary>
    internal List<(byte[] Slab, int Offset)> FreeChunks()
    {
        var chunks = new List<(byte[], int)>();
        if (_classes is null) return chunks;
        foreach (var sc in _classes)
        {
            for (int i = 0; i < sc.PartialCount; i++)
            {
                var slab = sc.Slabs[sc.Partial[i]]!;
                for (int offset = Read(slab, FreeHeadAt); offset != 0; offset = Read(slab, offset)) chunks.Add((slab, offset));
            }
        }
        return chunks;
    }

    /// <summary>
    /// A new slab for a class, which becomes the one chunks are carved from: the first is small (a shard with a few
    /// keys stays small), each next one twice the last, up to <see cref="LargeSlabBytes"/>; always room for four chunks.
    /// </summary>
    private static void AddSlab(ref SizeClass sc, int sizeClass, int chunkSize)
    {
        int bytes = sc.Current < 0 ? FirstSlabBytes : Math.Min(sc.Slabs[sc.Current]!.Length * 2, LargeSlabBytes);
        bytes = Math.Max(bytes, HeaderBytes + 4 * chunkSize);
        // Chunks are written before they are read (SETRANGE zeroes its own gaps), so the slab need not be cleared.
        var slab = GC.AllocateUninitializedArray<byte>(bytes);
        int index;
        if (sc.Holes is { Count: > 0 }) index = sc.Holes.Pop();
        else
        {
            if (sc.SlabCount == sc.Slabs.Length) Array.Resize(ref sc.Slabs, sc.SlabCount * 2);
            index = sc.SlabCount++;
        }
        sc.Slabs[index] = slab;
        Write(slab, IndexAt, index);
        slab[ClassAt] = (byte)sizeClass;
        Write(slab, LiveAt, 0);
        Write(slab, FreeHeadAt, 0);
        Write(slab, PartialAt, -1);
        sc.Current = index;
        sc.Bump = HeaderBytes;
    }

    /// <summary>Drops a slab with no live chunk: off the list of slabs with free chunks, its index left as a hole.</summary>
    private static void GiveBack(ref SizeClass sc, byte[] slab)
    {
        int at = Read(slab, PartialAt);
        if (at >= 0)
        {
            int moved = sc.Partial[--sc.PartialCount];
            sc.Partial[at] = moved;
            Write(sc.Slabs[moved]!, PartialAt, at);
        }
        int index = Read(slab, IndexAt);
        sc.Slabs[index] = null;
        (sc.Holes ??= new Stack<int>()).Push(index);
    }

    private long SumOverSlabs(Func<byte[], int, long> measure)
    {
        long total = 0;
        if (_classes is null) return total;
        for (int c = 0; c < ClassCount; c++)
        {
            ref var sc = ref _classes[c];
            for (int i = 0; i < sc.SlabCount; i++)
            {
                if (sc.Slabs[i] is { } slab) total += measure(slab, s_chunkSizes[c]);
            }
        }
        return total;
    }

    private static SizeClass[] NewClasses()
    {
        var classes = new SizeClass[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            classes[c].Slabs = new byte[]?[2];
            classes[c].Partial = new int[2];
            classes[c].Current = -1;
        }
        return classes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Read(byte[] slab, int at) => Unsafe.ReadUnaligned<int>(ref slab[at]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write(byte[] slab, int at, int value) => Unsafe.WriteUnaligned(ref slab[at], value);

    private static int[] BuildChunkSizes()
    {
        var sizes = new int[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            if (c < 8)
            {
                sizes[c] = (c + 1) * 8;
                continue;
            }
            int p = 6 + (c - 8) / 4;
            sizes[c] = (1 << p) + ((c - 8) % 4 + 1) * (1 << (p - 2));
        }
        return sizes;
    }
}
