using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage.Lists;

/// <summary>
/// The value of a list key. Two layouts, chosen by size (OBJECT ENCODING says "quicklist" for both, as Redis 7.0 does
/// for every list):
/// - packed while it has at most <see cref="MaxPackedCount"/> elements in at most <see cref="MaxPackedBytes"/> encoded
///   bytes: one byte[] holding [length][bytes][length] entries between <see cref="_head"/> and <see cref="_tail"/>,
///   with spare room kept at either end, so a push or pop at either end is O(1) amortized and a small list costs two
///   bytes per element plus its data (the trailing length lets RPOP and backward walks step from the end). A length
///   below 128 takes one byte; up to 0x7FFF it takes two (high bit set on the byte next to the data's outer side).
/// - a ring buffer of byte[] (power-of-two capacity) once it outgrows that: O(1) at both ends and O(1) LINDEX.
///   It does not convert back (Redis's quicklist does not either).
///
/// Every member runs with the key's shard lock held. Spans handed out point into the storage and are valid only until
/// the next change to this list.
/// </summary>
public sealed class ListValue : ICollectionValue, ICopyableValue, IObjectEncoding
{
    /// <summary>Most elements kept in the packed layout (linear walks over it stay short).</summary>
    public const int MaxPackedCount = 128;

    /// <summary>Most encoded bytes kept in the packed layout (Redis's list-max-listpack-size -2 is 8 KB per node).</summary>
    public const int MaxPackedBytes = 8192;

    private const int MaxShortLength = 0x7F;
    private const int MinRingCapacity = 8;

    private object _store;   // byte[] while packed, byte[][] (ring) once large
    private int _head;       // packed: offset of the first entry; ring: slot of element 0
    private int _tail;       // packed: offset just past the last entry; ring: unused
    private int _count;

    public ListValue() => _store = Array.Empty<byte>();

    private ListValue(object store, int head, int tail, int count)
    {
        _store = store;
        _head = head;
        _tail = tail;
        _count = count;
    }

    public int Count => _count;

    public bool IsPacked => _store is byte[];

    public ReadOnlySpan<byte> ObjectEncoding => "quicklist"u8;

    /// <summary>Bytes one element of <paramref name="length"/> takes in the packed layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackedSize(int length) => length <= MaxShortLength ? length + 2 : length + 4;

    /// <summary>Capacity of the storage in bytes (packed) or slots (ring), for tests and memory reports.</summary>
    public int Capacity => _store is byte[] packed ? packed.Length : ((byte[][])_store).Length;

    public object DeepCopy()
    {
        if (_store is byte[] packed)
            return new ListValue(packed.AsSpan(_head, _tail - _head).ToArray(), 0, _tail - _head, _count);
        var items = (byte[][])_store;
        var copy = new byte[BitOperations.RoundUpToPowerOf2((uint)Math.Max(_count, MinRingCapacity))][];
        int mask = items.Length - 1;
        for (int i = 0; i < _count; i++)
        {
            var item = items[(_head + i) & mask];
            copy[i] = item.Length == 0 ? item : (byte[])item.Clone();
        }
        return new ListValue(copy, 0, 0, _count);
    }

    /// <summary>
    /// Makes room for <paramref name="count"/> more elements of <paramref name="packedBytes"/> encoded bytes in all
    /// (the sum of <see cref="PackedSize"/>) at one end, so a multi-element push reallocates at most once. A new list
    /// gets exactly that much room.
    /// </summary>
    public void Reserve(ListEnd where, int count, long packedBytes)
    {
        if (_store is byte[])
        {
            if ((long)_count + count <= MaxPackedCount && _tail - _head + packedBytes <= MaxPackedBytes)
            {
                EnsurePackedRoom(where, (int)packedBytes);
                return;
            }
            ConvertToRing(_count + count);
            return;
        }
        EnsureRingCapacity(_count + count);
    }

    public void Push(ListEnd where, ReadOnlySpan<byte> value)
    {
        if (_store is byte[])
        {
            int size = PackedSize(value.Length);
            if (_count < MaxPackedCount && _tail - _head + size <= MaxPackedBytes)
            {
                EnsurePackedRoom(where, size);
                int at;
                if (where == ListEnd.Left) at = _head -= size;
                else
                {
                    at = _tail;
                    _tail += size;
                }
                WriteEntry((byte[])_store, at, value);
                _count++;
                return;
            }
            ConvertToRing(_count + 1);
        }
        EnsureRingCapacity(_count + 1);
        var items = (byte[][])_store;
        int mask = items.Length - 1;
        var copy = value.IsEmpty ? Array.Empty<byte>() : value.ToArray();
        if (where == ListEnd.Left)
        {
            _head = (_head - 1) & mask;
            items[_head] = copy;
        }
        else
        {
            items[(_head + _count) & mask] = copy;
        }
        _count++;
    }

    /// <summary>The element at one end; the list must not be empty.</summary>
    public ReadOnlySpan<byte> Peek(ListEnd where)
    {
        if (_store is byte[] packed)
        {
            if (where == ListEnd.Left)
            {
                ReadForward(packed, _head, out int data, out int length);
                return packed.AsSpan(data, length);
            }
            ReadBackward(packed, _tail, out int dataBack, out int lengthBack);
            return packed.AsSpan(dataBack, lengthBack);
        }
        var items = (byte[][])_store;
        return items[(where == ListEnd.Left ? _head : _head + _count - 1) & (items.Length - 1)];
    }

    /// <summary>Drops the element at one end; the list must not be empty. The caller deletes the key at Count 0.</summary>
    public void Remove(ListEnd where)
    {
        RemoveOne(where);
        MaybeShrink();
    }

    /// <summary>The element at <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public ReadOnlySpan<byte> Get(int index)
    {
        if (_store is byte[] packed)
        {
            ReadForward(packed, OffsetOf(index), out int data, out int length);
            return packed.AsSpan(data, length);
        }
        var items = (byte[][])_store;
        return items[(_head + index) & (items.Length - 1)];
    }

    /// <summary>LSET: replaces the element at <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public void Set(int index, ReadOnlySpan<byte> value)
    {
        if (_store is byte[] packed)
        {
            int offset = OffsetOf(index);
            int oldSize = EntrySizeAt(packed, offset);
            int newSize = PackedSize(value.Length);
            int delta = newSize - oldSize;
            if (_tail - _head + delta <= MaxPackedBytes)
            {
                if (delta > 0)
                {
                    int relative = offset - _head;
                    EnsurePackedRoom(ListEnd.Right, delta);
                    packed = (byte[])_store;
                    offset = _head + relative;
                }
                if (delta != 0)
                {
                    int rest = offset + oldSize;
                    packed.AsSpan(rest, _tail - rest).CopyTo(packed.AsSpan(rest + delta));
                    _tail += delta;
                }
                WriteEntry(packed, offset, value);
                return;
            }
            ConvertToRing(_count);
        }
        var items = (byte[][])_store;
        ref byte[] slot = ref items[(_head + index) & (items.Length - 1)];
        if (slot.Length == value.Length && slot.Length != 0) value.CopyTo(slot);
        else slot = value.IsEmpty ? Array.Empty<byte>() : value.ToArray();
    }

    /// <summary>LINSERT: inserts <paramref name="value"/> so it ends up at <paramref name="index"/> (0 ≤ index ≤ Count).</summary>
    public void Insert(int index, ReadOnlySpan<byte> value)
    {
        if (index == 0)
        {
            Push(ListEnd.Left, value);
            return;
        }
        if (index == _count)
        {
            Push(ListEnd.Right, value);
            return;
        }
        if (_store is byte[])
        {
            int size = PackedSize(value.Length);
            if (_count < MaxPackedCount && _tail - _head + size <= MaxPackedBytes)
            {
                int relative = OffsetOf(index) - _head;
                EnsurePackedRoom(ListEnd.Right, size);
                var packed = (byte[])_store;
                int offset = _head + relative;
                packed.AsSpan(offset, _tail - offset).CopyTo(packed.AsSpan(offset + size));
                _tail += size;
                WriteEntry(packed, offset, value);
                _count++;
                return;
            }
            ConvertToRing(_count + 1);
        }
        EnsureRingCapacity(_count + 1);
        var items = (byte[][])_store;
        int mask = items.Length - 1;
        if (index < _count / 2)
        {
            _head = (_head - 1) & mask;
            for (int i = 0; i < index; i++) items[(_head + i) & mask] = items[(_head + i + 1) & mask];
        }
        else
        {
            for (int i = _count; i > index; i--) items[(_head + i) & mask] = items[(_head + i - 1) & mask];
        }
        items[(_head + index) & mask] = value.IsEmpty ? Array.Empty<byte>() : value.ToArray();
        _count++;
    }

    /// <summary>
    /// LREM: removes elements equal to <paramref name="value"/>: all of them when <paramref name="limit"/> is 0,
    /// at most <paramref name="limit"/> from the head when positive, at most -limit from the tail when negative.
    /// Returns how many were removed.
    /// </summary>
    public long RemoveMatching(ReadOnlySpan<byte> value, long limit)
    {
        ulong max = limit == 0 ? ulong.MaxValue : limit > 0 ? (ulong)limit : (ulong)-(limit + 1) + 1;
        long removed = limit >= 0 ? RemoveMatchingForward(value, max) : RemoveMatchingBackward(value, max);
        if (removed > 0) MaybeShrink();
        return removed;
    }

    /// <summary>LTRIM: keeps <paramref name="keep"/> elements starting at <paramref name="start"/> and drops the rest.</summary>
    public void Trim(int start, int keep)
    {
        int dropRight = _count - start - keep;
        for (int i = 0; i < start; i++) RemoveOne(ListEnd.Left);
        for (int i = 0; i < dropRight; i++) RemoveOne(ListEnd.Right);
        MaybeShrink();
    }

    /// <summary>
    /// A walk of up to <paramref name="count"/> elements starting at <paramref name="index"/>, towards the tail, or
    /// towards the head when <paramref name="backward"/>. The list must not change while walking.
    /// </summary>
    public Walker Walk(int index, int count, bool backward = false)
    {
        int position;
        if (_store is byte[]) position = backward ? OffsetOf(index + 1) : OffsetOf(index);
        else position = index;
        return new Walker(this, position, Math.Min(count, backward ? index + 1 : _count - index), backward);
    }

    /// <summary>Steps through elements without allocating (see <see cref="Walk"/>).</summary>
    public struct Walker
    {
        private readonly ListValue _list;
        private readonly bool _backward;
        private int _position;    // packed: byte offset (entry start forward, entry end backward); ring: index
        private int _remaining;

        internal Walker(ListValue list, int position, int remaining, bool backward)
        {
            _list = list;
            _position = position;
            _remaining = Math.Max(remaining, 0);
            _backward = backward;
        }

        public bool Next(out ReadOnlySpan<byte> value)
        {
            if (_remaining == 0)
            {
                value = default;
                return false;
            }
            _remaining--;
            if (_list._store is byte[] packed)
            {
                int data, length;
                if (_backward) _position = ReadBackward(packed, _position, out data, out length);
                else _position = ReadForward(packed, _position, out data, out length);
                value = packed.AsSpan(data, length);
                return true;
            }
            var items = (byte[][])_list._store;
            value = items[(_list._head + _position) & (items.Length - 1)];
            _position += _backward ? -1 : 1;
            return true;
        }
    }

    private void RemoveOne(ListEnd where)
    {
        if (_store is byte[] packed)
        {
            if (where == ListEnd.Left) _head = ReadForward(packed, _head, out _, out _);
            else _tail = ReadBackward(packed, _tail, out _, out _);
            if (--_count == 0) _head = _tail = 0;
            return;
        }
        var items = (byte[][])_store;
        int mask = items.Length - 1;
        if (where == ListEnd.Left)
        {
            items[_head] = null!;
            _head = (_head + 1) & mask;
        }
        else
        {
            items[(_head + _count - 1) & mask] = null!;
        }
        _count--;
    }

    private long RemoveMatchingForward(ReadOnlySpan<byte> value, ulong max)
    {
        ulong removed = 0;
        if (_store is byte[] packed)
        {
            int read = _head, write = _head;
            while (read < _tail)
            {
                if (removed == max)
                {
                    packed.AsSpan(read, _tail - read).CopyTo(packed.AsSpan(write));
                    write += _tail - read;
                    break;
                }
                int next = ReadForward(packed, read, out int data, out int length);
                if (packed.AsSpan(data, length).SequenceEqual(value)) removed++;
                else
                {
                    if (write != read) packed.AsSpan(read, next - read).CopyTo(packed.AsSpan(write));
                    write += next - read;
                }
                read = next;
            }
            _tail = write;
        }
        else
        {
            var items = (byte[][])_store;
            int mask = items.Length - 1, kept = 0;
            for (int i = 0; i < _count; i++)
            {
                var item = items[(_head + i) & mask];
                if (removed < max && item.AsSpan().SequenceEqual(value)) removed++;
                else items[(_head + kept++) & mask] = item;
            }
            for (int i = kept; i < _count; i++) items[(_head + i) & mask] = null!;
        }
        _count -= (int)removed;
        if (_count == 0 && _store is byte[]) _head = _tail = 0;
        return (long)removed;
    }

    private long RemoveMatchingBackward(ReadOnlySpan<byte> value, ulong max)
    {
        ulong removed = 0;
        if (_store is byte[] packed)
        {
            int read = _tail, write = _tail;
            while (read > _head)
            {
                if (removed == max)
                {
                    int rest = read - _head;
                    write -= rest;
                    packed.AsSpan(_head, rest).CopyTo(packed.AsSpan(write));
                    break;
                }
                int start = ReadBackward(packed, read, out int data, out int length);
                if (packed.AsSpan(data, length).SequenceEqual(value)) removed++;
                else
                {
                    write -= read - start;
                    if (write != start) packed.AsSpan(start, read - start).CopyTo(packed.AsSpan(write));
                }
                read = start;
            }
            _head = write;
        }
        else
        {
            var items = (byte[][])_store;
            int mask = items.Length - 1, write = _count - 1;
            for (int i = _count - 1; i >= 0; i--)
            {
                var item = items[(_head + i) & mask];
                if (removed < max && item.AsSpan().SequenceEqual(value)) removed++;
                else items[(_head + write--) & mask] = item;
            }
            int dropped = write + 1;
            for (int i = 0; i < dropped; i++) items[(_head + i) & mask] = null!;
            _head = (_head + dropped) & mask;
        }
        _count -= (int)removed;
        if (_count == 0 && _store is byte[]) _head = _tail = 0;
        return (long)removed;
    }

    /// <summary>Packed: byte offset where element <paramref name="index"/> starts (Count gives the tail), walking from the nearer end.</summary>
    private int OffsetOf(int index)
    {
        var packed = (byte[])_store;
        if (index <= _count / 2)
        {
            int position = _head;
            for (int i = 0; i < index; i++) position = ReadForward(packed, position, out _, out _);
            return position;
        }
        int end = _tail;
        for (int i = _count; i > index; i--) end = ReadBackward(packed, end, out _, out _);
        return end;
    }

    /// <summary>Makes <paramref name="size"/> free bytes available at one end of the packed buffer.</summary>
    private void EnsurePackedRoom(ListEnd where, int size)
    {
        var packed = (byte[])_store;
        if (where == ListEnd.Left ? _head >= size : packed.Length - _tail >= size) return;
        int used = _tail - _head;
        int needed = used + size;
        int spare = packed.Length - needed;
        // Enough room in all, just at the other end: recentre, leaving half the leftover on each side. Only when the
        // leftover is a fair share of the data (or the buffer cannot grow), so a queue that drifts one way (LPUSH +
        // RPOP) moves its bytes once per many pushes, not on every push.
        if (spare >= 0 && (spare >= needed / 4 || packed.Length >= MaxPackedBytes))
        {
            int head = where == ListEnd.Left ? size + spare / 2 : spare / 2;
            packed.AsSpan(_head, used).CopyTo(packed.AsSpan(head));
            _head = head;
            _tail = head + used;
            return;
        }
        int capacity = used == 0 ? needed : Math.Min(needed + needed / 2, MaxPackedBytes + 8);
        capacity = Math.Max(capacity, needed);
        var grown = new byte[capacity];
        int newHead = where == ListEnd.Left ? capacity - used : 0;
        packed.AsSpan(_head, used).CopyTo(grown.AsSpan(newHead));
        _store = grown;
        _head = newHead;
        _tail = newHead + used;
    }

    private void ConvertToRing(int capacity)
    {
        var packed = (byte[])_store;
        var items = new byte[BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, MinRingCapacity))][];
        int position = _head;
        for (int i = 0; i < _count; i++)
        {
            position = ReadForward(packed, position, out int data, out int length);
            items[i] = length == 0 ? Array.Empty<byte>() : packed.AsSpan(data, length).ToArray();
        }
        _store = items;
        _head = 0;
        _tail = 0;
    }

    private void EnsureRingCapacity(int count)
    {
        var items = (byte[][])_store;
        if (items.Length >= count) return;
        ResizeRing((int)BitOperations.RoundUpToPowerOf2((uint)count));
    }

    private void ResizeRing(int capacity)
    {
        var items = (byte[][])_store;
        var resized = new byte[capacity][];
        int mask = items.Length - 1;
        for (int i = 0; i < _count; i++) resized[i] = items[(_head + i) & mask];
        _store = resized;
        _head = 0;
    }

    /// <summary>Gives memory back after many removals (a drained queue should not keep its peak size).</summary>
    private void MaybeShrink()
    {
        if (_store is byte[] packed)
        {
            int used = _tail - _head;
            if (packed.Length > 256 && used * 4 < packed.Length)
            {
                var smaller = new byte[Math.Max(used * 2, 16)];
                packed.AsSpan(_head, used).CopyTo(smaller.AsSpan(0));
                _store = smaller;
                _head = 0;
                _tail = used;
            }
            return;
        }
        var items = (byte[][])_store;
        if (items.Length > 64 && _count * 4 < items.Length)
            ResizeRing((int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(_count * 2, MinRingCapacity)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadForward(byte[] packed, int position, out int data, out int length)
    {
        int b = packed[position];
        if (b <= MaxShortLength)
        {
            length = b;
            data = position + 1;
            return position + 2 + b;
        }
        length = ((b & 0x7F) << 8) | packed[position + 1];
        data = position + 2;
        return position + 4 + length;
    }

    /// <summary>Reads the entry that ends at <paramref name="end"/>; returns where it starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadBackward(byte[] packed, int end, out int data, out int length)
    {
        int b = packed[end - 1];
        if (b <= MaxShortLength)
        {
            length = b;
            data = end - 1 - b;
            return data - 1;
        }
        length = ((b & 0x7F) << 8) | packed[end - 2];
        data = end - 2 - length;
        return data - 2;
    }

    private static int EntrySizeAt(byte[] packed, int position) => ReadForward(packed, position, out _, out _) - position;

    private static void WriteEntry(byte[] packed, int at, ReadOnlySpan<byte> value)
    {
        int length = value.Length;
        if (length <= MaxShortLength)
        {
            packed[at] = (byte)length;
            value.CopyTo(packed.AsSpan(at + 1));
            packed[at + 1 + length] = (byte)length;
            return;
        }
        packed[at] = (byte)(0x80 | (length >> 8));
        packed[at + 1] = (byte)length;
        value.CopyTo(packed.AsSpan(at + 2));
        packed[at + 2 + length] = (byte)length;
        packed[at + 3 + length] = (byte)(0x80 | (length >> 8));
    }
}
