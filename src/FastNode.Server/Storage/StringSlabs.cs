using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastNode.Server.Storage;

/// <summary>
/// A shard's allocator for string values of up to <see cref="MaxChunk"/> bytes: chunks of 40 size classes carved
/// from slab arrays, a free list per class. Why: a value in a byte[] of its own is copied by the GC twice (gen0 to
/// gen1 to gen2) after it is stored, stopping the server each time, and a workload that keeps storing values of new
/// sizes spends its time there (perf/README, "The 1 KB SET row"). Slabs grow to 256 KB and from then on sit on the
/// large object heap, which is never compacted; a chunk freed by an overwrite, a delete or an expiry is reused by the
/// next value of its class. Small values also lose the array's 24-byte header (a 16-byte value: 40 B -> 16 B).
///
/// A slab starts with <see cref="HeaderBytes"/> bytes: its index in its class's list and its class, so a chunk is
/// known by (slab, offset) alone and an <see cref="Entry"/> needs no extra field. Offset 0 is never a chunk.
/// Memory freed here is reused for values of the same class only; it goes back to the GC when the shard is cleared.
/// Every member must be called with the owning shard's lock held.
/// </summary>
public sealed class StringSlabs
{
    /// <summary>The largest chunk; longer values keep an array of their own.</summary>
    public const int MaxChunk = 16 * 1024;

    public const int HeaderBytes = 8;

    private const int ClassCount = 40;
    private const int ClassByte = 4;
    private const int FirstSlabBytes = 4 * 1024;
    // Above the runtime's large-object threshold (85,000 bytes): such slabs are never moved by the GC.
    private const int LargeSlabBytes = 256 * 1024;

    private static readonly int[] s_chunkSizes = BuildChunkSizes();

    private struct SizeClass
    {
        public byte[][] Slabs;
        public int SlabCount;
        /// <summary>Next unused offset in the last slab.</summary>
        public int Bump;
        /// <summary>The first free chunk as (slab index &lt;&lt; 32 | offset); 0 when the list is empty.</summary>
        public long FreeHead;
        public int FreeCount;
    }

    private SizeClass[]? _classes;   // created by the first allocation: most shards of unused databases never need it

    /// <summary>Bytes of slab arrays this allocator holds.</summary>
    public long SlabBytes { get; private set; }

    /// <summary>Bytes of chunks on the free lists (reusable by their class).</summary>
    public long FreeBytes { get; private set; }

    /// <summary>Bytes of chunks handed out and not freed: the values' footprint.</summary>
    public long LiveBytes { get; private set; }

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
    public static int CapacityOf(byte[] slab) => s_chunkSizes[slab[ClassByte]];

    /// <summary>A chunk of at least <paramref name="capacity"/> (≤ <see cref="MaxChunk"/>) bytes; returns its offset in <paramref name="slab"/>.</summary>
    public int Allocate(int capacity, out byte[] slab)
    {
        int c = ClassOf(capacity);
        _classes ??= new SizeClass[ClassCount];
        ref var sc = ref _classes[c];
        int size = s_chunkSizes[c];
        LiveBytes += size;
        if (sc.FreeHead != 0)
        {
            slab = sc.Slabs[(int)(sc.FreeHead >> 32)];
            int offset = (int)sc.FreeHead;
            sc.FreeHead = Unsafe.ReadUnaligned<long>(ref slab[offset]);
            sc.FreeCount--;
            FreeBytes -= size;
            return offset;
        }
        if (sc.SlabCount == 0 || sc.Bump + size > sc.Slabs[sc.SlabCount - 1].Length) AddSlab(ref sc, c, size);
        slab = sc.Slabs[sc.SlabCount - 1];
        int bumped = sc.Bump;
        sc.Bump += size;
        return bumped;
    }

    /// <summary>Returns a chunk this allocator handed out. A chunk from another allocator is refused loudly: reusing
    /// it here would let two shards write the same bytes under different locks.</summary>
    public void Free(byte[] slab, int offset)
    {
        int c = slab[ClassByte];
        int index = BinaryPrimitives.ReadInt32LittleEndian(slab);
        if (_classes is null || c >= ClassCount || index >= _classes[c].SlabCount || !ReferenceEquals(_classes[c].Slabs[index], slab)
            || offset < HeaderBytes)
            throw new InvalidOperationException("a string chunk was freed to an allocator that does not own it");
        ref var sc = ref _classes[c];
        Unsafe.WriteUnaligned(ref slab[offset], sc.FreeHead);
        sc.FreeHead = (long)index << 32 | (uint)offset;
        sc.FreeCount++;
        FreeBytes += s_chunkSizes[c];
        LiveBytes -= s_chunkSizes[c];
    }

    /// <summary>Drops every slab (FLUSHDB, or a shard that emptied): the memory goes back to the GC.</summary>
    public void Reset()
    {
        _classes = null;
        SlabBytes = 0;
        FreeBytes = 0;
        LiveBytes = 0;
    }

    /// <summary>For tests: every chunk on the free lists, as (slab, offset).</summary>
    internal List<(byte[] Slab, int Offset)> FreeChunks()
    {
        var chunks = new List<(byte[], int)>();
        if (_classes is null) return chunks;
        foreach (var sc in _classes)
        {
            for (long link = sc.FreeHead; link != 0;)
            {
                var slab = sc.Slabs[(int)(link >> 32)];
                chunks.Add((slab, (int)link));
                link = Unsafe.ReadUnaligned<long>(ref slab[(int)link]);
            }
        }
        return chunks;
    }

    /// <summary>For tests: whether <paramref name="slab"/> is one of this allocator's.</summary>
    internal bool Owns(byte[] slab)
    {
        if (_classes is null || slab.Length < HeaderBytes) return false;
        int c = slab[ClassByte];
        int index = BinaryPrimitives.ReadInt32LittleEndian(slab);
        return c < ClassCount && index >= 0 && index < _classes[c].SlabCount && ReferenceEquals(_classes[c].Slabs[index], slab);
    }

    /// <summary>
    /// A new slab for a class: the first is small (a shard with a few keys stays small), each next one twice the
    /// last, up to <see cref="LargeSlabBytes"/>; always room for at least four chunks.
    /// </summary>
    private void AddSlab(ref SizeClass sc, int sizeClass, int chunkSize)
    {
        int bytes = sc.SlabCount == 0 ? FirstSlabBytes : Math.Min(sc.Slabs[sc.SlabCount - 1].Length * 2, LargeSlabBytes);
        bytes = Math.Max(bytes, HeaderBytes + 4 * chunkSize);
        // Chunks are written before they are read (SETRANGE zeroes its own gaps), so the slab need not be cleared.
        var slab = GC.AllocateUninitializedArray<byte>(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(slab, sc.SlabCount);
        slab[ClassByte] = (byte)sizeClass;
        sc.Slabs ??= new byte[4][];
        if (sc.SlabCount == sc.Slabs.Length) Array.Resize(ref sc.Slabs, sc.SlabCount * 2);
        sc.Slabs[sc.SlabCount++] = slab;
        sc.Bump = HeaderBytes;
        SlabBytes += bytes;
    }

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
