using System.Buffers.Text;
using FastNode.Protocol;
using FastNode.Server.Storage.Collections;

namespace FastNode.Server.Storage.Sets;

/// <summary>
/// The value of a set key, in one of three encodings:
/// - intset while every member is an integer (Redis string2ll form) and there are at most <see cref="MaxIntSetEntries"/>:
///   sorted 2/4/8-byte integers (<see cref="IntSet"/>), so SMEMBERS lists them in ascending order as Redis does;
/// - packed once a non-integer arrives while the set is small (at most <see cref="MaxPackedEntries"/> members of at
///   most <see cref="MaxPackedLength"/> bytes): one byte[] of [length][member] runs, searched linearly. Redis 7.0 has
///   no such encoding (7.2 added the same "listpack" one), so OBJECT ENCODING reports "hashtable" for it, as 7.0 would;
///   it only saves memory;
/// - a <see cref="ByteTable"/> once large. A set never goes back to a smaller encoding, like Redis.
///
/// Members are addressed by a position (an index in the intset, a byte offset when packed, a table slot) valid until
/// the next change. Every member is called with the key's shard lock held.
/// </summary>
public sealed class SetValue : ICopyableValue, IObjectEncoding, IMemberCollection
{
    /// <summary>set-max-intset-entries (Redis 7.0 default).</summary>
    public const int MaxIntSetEntries = 512;

    /// <summary>Limits of the packed encoding (Redis 7.2's set-max-listpack-entries/value defaults).</summary>
    public const int MaxPackedEntries = 128;
    public const int MaxPackedLength = 64;

    /// <summary>Scratch a caller passes to <see cref="MemberAt"/>: intset members are formatted into it.</summary>
    public const int ScratchLength = 20;

    private object _store;   // byte[] (intset or packed) or ByteTable
    private int _info;       // intset: minus the integer width (-2, -4, -8); packed: bytes in use (>= 0)
    private int _count;      // members while intset or packed

    public SetValue()
    {
        _store = Array.Empty<byte>();
        _info = -2;
    }

    private SetValue(object store, int info, int count)
    {
        _store = store;
        _info = info;
        _count = count;
    }

    public int Count => _store is ByteTable table ? table.Count : _count;

    public bool IsIntSet => _store is byte[] && _info < 0;

    public bool IsPacked => _store is byte[] && _info >= 0;

    /// <summary>The table behind a large set (SSCAN's cursor walk), or null while intset/packed.</summary>
    public ByteTable? Table => _store as ByteTable;

    public ReadOnlySpan<byte> ObjectEncoding => IsIntSet ? "intset"u8 : "hashtable"u8;

    public object DeepCopy() => _store is ByteTable table
        ? new SetValue(table.Clone(), 0, 0)
        : new SetValue(((byte[])_store).AsSpan(0, UsedBytes).ToArray(), _info, _count);

    private int Width => -_info;

    private int UsedBytes => _info < 0 ? _count * -_info : _info;

    public bool Contains(ReadOnlySpan<byte> member) => Find(member) >= 0;

    /// <summary>Position of <paramref name="member"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> member)
    {
        if (_store is ByteTable table) return table.Find(member);
        if (_info < 0)
        {
            if (!Numbers.TryParseInt64(member, out long value)) return -1;
            int index = IntSet.Search((byte[])_store, Width, _count, value);
            return index >= 0 ? index : -1;
        }
        return FindPacked(member);
    }

    /// <summary>Adds a member; returns false when it was already there.</summary>
    public bool Add(ReadOnlySpan<byte> member)
    {
        if (_info < 0 && _store is byte[] ints)
        {
            if (Numbers.TryParseInt64(member, out long value))
            {
                int index = IntSet.Search(ints, Width, _count, value);
                if (index >= 0) return false;
                if (_count < MaxIntSetEntries)
                {
                    int width = Width;
                    _store = IntSet.Insert(ints, ref width, _count, ~index, value);
                    _info = -width;
                    _count++;
                    return true;
                }
                ConvertToTable();
            }
            else if (_count < MaxPackedEntries && member.Length <= MaxPackedLength)
            {
                ConvertToPacked();
            }
            else
            {
                ConvertToTable();
            }
        }
        if (_store is byte[])
        {
            if (FindPacked(member) >= 0) return false;
            if (_count < MaxPackedEntries && member.Length <= MaxPackedLength)
            {
                AppendPacked(member);
                return true;
            }
            ConvertToTable();
        }
        var table = (ByteTable)_store;
        uint hash = ByteTable.HashOf(member);
        if (table.Find(member, hash) >= 0) return false;
        table.Add(member.ToArray(), null, hash);
        return true;
    }

    /// <summary>Removes a member; returns whether it was there. The caller deletes the key when Count reaches 0.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        int position = Find(member);
        if (position < 0) return false;
        RemoveAt(position);
        return true;
    }

    public void RemoveAt(int position)
    {
        if (_store is ByteTable table)
        {
            table.RemoveAt(position);
            return;
        }
        var data = (byte[])_store;
        if (_info < 0)
        {
            IntSet.RemoveAt(data, Width, _count, position);
        }
        else
        {
            int end = position + 1 + data[position];
            data.AsSpan(end, _info - end).CopyTo(data.AsSpan(position));
            _info -= end - position;
        }
        _count--;
    }

    /// <summary>The first position in iteration order, or -1 when empty.</summary>
    public int First() => _store is ByteTable table ? table.NextLive(0) : (_count > 0 ? 0 : -1);

    /// <summary>The position after <paramref name="position"/>, or -1 at the end.</summary>
    public int Next(int position)
    {
        if (_store is ByteTable table) return table.NextLive(position + 1);
        if (_info < 0) return position + 1 < _count ? position + 1 : -1;
        int next = position + 1 + ((byte[])_store)[position];
        return next < _info ? next : -1;
    }

    /// <summary>
    /// The member at <paramref name="position"/>: a span into the storage, or, for an intset, its decimal form written
    /// into <paramref name="scratch"/> (at least <see cref="ScratchLength"/> bytes).
    /// </summary>
    public ReadOnlySpan<byte> MemberAt(int position, Span<byte> scratch)
    {
        if (_store is ByteTable table) return table.KeyAt(position);
        var data = (byte[])_store;
        if (_info < 0)
        {
            Utf8Formatter.TryFormat(IntSet.Get(data, Width, position), scratch, out int written);
            return scratch.Slice(0, written);
        }
        return data.AsSpan(position + 1, data[position]);
    }

    /// <summary>A uniformly random position; the set must not be empty.</summary>
    public int RandomPosition()
    {
        if (_store is ByteTable table) return table.RandomSlot();
        int ordinal = Random.Shared.Next(_count);
        if (_info < 0) return ordinal;
        int pos = 0;
        for (int i = 0; i < ordinal; i++) pos = Next(pos);
        return pos;
    }

    /// <summary>
    /// Fills <paramref name="positions"/> with every position in iteration order for the intset and packed encodings
    /// (at most <see cref="MaxIntSetEntries"/>) and returns how many; -1 for the table encoding.
    /// </summary>
    public int SmallPositions(Span<int> positions)
    {
        if (_store is ByteTable) return -1;
        int n = 0;
        for (int pos = First(); pos >= 0; pos = Next(pos)) positions[n++] = pos;
        return n;
    }

    private int FindPacked(ReadOnlySpan<byte> member)
    {
        if (member.Length > MaxPackedLength) return -1;
        var packed = ((byte[])_store).AsSpan(0, _info);
        int pos = 0;
        while (pos < packed.Length)
        {
            int length = packed[pos];
            if (length == member.Length && packed.Slice(pos + 1, length).SequenceEqual(member)) return pos;
            pos += 1 + length;
        }
        return -1;
    }

    private void AppendPacked(ReadOnlySpan<byte> member)
    {
        var packed = (byte[])_store;
        int needed = _info + 1 + member.Length;
        if (needed > packed.Length)
        {
            var grown = new byte[(Math.Max(needed, _info + _info / 4) + 7) & ~7];
            packed.AsSpan(0, _info).CopyTo(grown);
            _store = packed = grown;
        }
        packed[_info] = (byte)member.Length;
        member.CopyTo(packed.AsSpan(_info + 1));
        _info = needed;
        _count++;
    }

    private void ConvertToPacked()
    {
        var ints = (byte[])_store;
        int width = Width, count = _count;
        Span<byte> digits = stackalloc byte[ScratchLength];
        int bytes = 0;
        for (int i = 0; i < count; i++)
        {
            Utf8Formatter.TryFormat(IntSet.Get(ints, width, i), digits, out int written);
            bytes += 1 + written;
        }
        // Room for the member about to be added too (at most MaxPackedLength bytes; usually far less).
        _store = new byte[(bytes + 1 + 16 + 7) & ~7];
        _info = 0;
        _count = 0;
        for (int i = 0; i < count; i++)
        {
            Utf8Formatter.TryFormat(IntSet.Get(ints, width, i), digits, out int written);
            AppendPacked(digits.Slice(0, written));
        }
    }

    private void ConvertToTable()
    {
        var table = new ByteTable(hasValues: false, Count + 1);
        Span<byte> scratch = stackalloc byte[ScratchLength];
        for (int pos = First(); pos >= 0; pos = Next(pos))
        {
            var member = MemberAt(pos, scratch);
            table.Add(member.ToArray(), null, ByteTable.HashOf(member));
        }
        _store = table;
        _info = 0;
        _count = 0;
    }
}
