using FastNode.Server.Storage.Collections;

namespace FastNode.Server.Storage.Hashes;

/// <summary>
/// The value of a hash key. Two encodings, as in Redis 7.0:
/// - packed ("listpack") while it has at most <see cref="MaxPackedEntries"/> fields and every field and value is at
///   most <see cref="MaxPackedLength"/> bytes: one byte[] of [field length][field][value length][value] runs,
///   searched linearly, so a small hash costs about two bytes per element plus its data;
/// - a <see cref="ByteTable"/> ("hashtable") once it outgrows that; it never converts back, like Redis.
///
/// Entries are addressed by a position (a byte offset when packed, a slot in the table) that is valid until the
/// next change. Every member is called with the key's shard lock held; spans returned point into the storage and are
/// valid only until the next change and while the lock is held.
/// </summary>
public sealed class HashValue : ICopyableValue, IObjectEncoding, IMemberCollection
{
    /// <summary>hash-max-listpack-entries (Redis 7.0 default).</summary>
    public const int MaxPackedEntries = 128;

    /// <summary>hash-max-listpack-value (Redis 7.0 default); also keeps every packed length in one byte.</summary>
    public const int MaxPackedLength = 64;

    private object _store;   // byte[] while packed, ByteTable once large
    private int _used;       // bytes of the packed array in use
    private int _count;      // fields while packed

    public HashValue() => _store = Array.Empty<byte>();

    private HashValue(object store, int used, int count)
    {
        _store = store;
        _used = used;
        _count = count;
    }

    public int Count => _store is ByteTable table ? table.Count : _count;

    public bool IsPacked => _store is byte[];

    public ReadOnlySpan<byte> ObjectEncoding => _store is byte[] ? "listpack"u8 : "hashtable"u8;

    public object DeepCopy() => _store is ByteTable table
        ? new HashValue(table.Clone(), 0, 0)
        : new HashValue(((byte[])_store).AsSpan(0, _used).ToArray(), _used, _count);

    /// <summary>Position of <paramref name="field"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> field)
    {
        if (_store is ByteTable table) return table.Find(field);
        var packed = ((byte[])_store).AsSpan(0, _used);
        if (field.Length > MaxPackedLength) return -1;
        int pos = 0;
        while (pos < packed.Length)
        {
            int fieldLength = packed[pos];
            if (fieldLength == field.Length && packed.Slice(pos + 1, fieldLength).SequenceEqual(field)) return pos;
            int valuePos = pos + 1 + fieldLength;
            pos = valuePos + 1 + packed[valuePos];
        }
        return -1;
    }

    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        int pos = Find(field);
        value = pos < 0 ? default : ValueAt(pos);
        return pos >= 0;
    }

    public ReadOnlySpan<byte> FieldAt(int position)
    {
        if (_store is ByteTable table) return table.KeyAt(position);
        var packed = (byte[])_store;
        return packed.AsSpan(position + 1, packed[position]);
    }

    public ReadOnlySpan<byte> ValueAt(int position)
    {
        if (_store is ByteTable table) return table.ValueAt(position);
        var packed = (byte[])_store;
        int valuePos = position + 1 + packed[position];
        return packed.AsSpan(valuePos + 1, packed[valuePos]);
    }

    /// <summary>The first position in iteration order, or -1 when empty.</summary>
    public int First() => _store is ByteTable table ? table.NextLive(0) : (_used > 0 ? 0 : -1);

    /// <summary>The position after <paramref name="position"/>, or -1 at the end.</summary>
    public int Next(int position)
    {
        if (_store is ByteTable table) return table.NextLive(position + 1);
        var packed = (byte[])_store;
        int valuePos = position + 1 + packed[position];
        int next = valuePos + 1 + packed[valuePos];
        return next < _used ? next : -1;
    }

    /// <summary>Sets a field; returns true when it was added, false when an existing value was replaced.</summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (_store is byte[])
        {
            int pos = Find(field);
            if (pos >= 0 && value.Length <= MaxPackedLength)
            {
                ReplacePackedValue(pos, value);
                return false;
            }
            if (pos < 0 && field.Length <= MaxPackedLength && value.Length <= MaxPackedLength && _count < MaxPackedEntries)
            {
                AppendPacked(field, value);
                return true;
            }
            ConvertToTable();
        }
        var table = (ByteTable)_store;
        uint hash = ByteTable.HashOf(field);
        int slot = table.Find(field, hash);
        if (slot < 0)
        {
            table.Add(field.ToArray(), value.ToArray(), hash);
            return true;
        }
        ref byte[]? stored = ref table.ValueAt(slot);
        if (stored!.Length == value.Length) value.CopyTo(stored);   // same size: HSET allocates nothing
        else stored = value.ToArray();
        return false;
    }

    /// <summary>Removes a field; returns whether it was there. The caller deletes the key when Count reaches 0.</summary>
    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (_store is ByteTable table) return table.Remove(field);
        int pos = Find(field);
        if (pos < 0) return false;
        var packed = (byte[])_store;
        int valuePos = pos + 1 + packed[pos];
        int end = valuePos + 1 + packed[valuePos];
        packed.AsSpan(end, _used - end).CopyTo(packed.AsSpan(pos));
        _used -= end - pos;
        _count--;
        return true;
    }

    /// <summary>A uniformly random position; the hash must not be empty.</summary>
    public int RandomPosition()
    {
        if (_store is ByteTable table) return table.RandomSlot();
        int skip = Random.Shared.Next(_count);
        int pos = 0;
        for (int i = 0; i < skip; i++) pos = Next(pos);
        return pos;
    }

    /// <summary>
    /// Fills <paramref name="positions"/> with every position, in iteration order, when packed (at most
    /// <see cref="MaxPackedEntries"/>); returns how many, or -1 for the table encoding (use slots and RandomPosition).
    /// </summary>
    public int PackedPositions(Span<int> positions)
    {
        if (_store is ByteTable) return -1;
        int n = 0;
        for (int pos = First(); pos >= 0; pos = Next(pos)) positions[n++] = pos;
        return n;
    }

    /// <summary>The table behind a large hash (HSCAN's cursor walk), or null while packed.</summary>
    public ByteTable? Table => _store as ByteTable;

    private void ReplacePackedValue(int pos, ReadOnlySpan<byte> value)
    {
        var packed = (byte[])_store;
        int valuePos = pos + 1 + packed[pos];
        int oldLength = packed[valuePos];
        int delta = value.Length - oldLength;
        if (delta != 0)
        {
            int tail = valuePos + 1 + oldLength;
            if (delta > 0 && _used + delta > packed.Length) packed = Grow(_used + delta);
            packed.AsSpan(tail, _used - tail).CopyTo(packed.AsSpan(tail + delta));
            _used += delta;
            packed[valuePos] = (byte)value.Length;
        }
        value.CopyTo(packed.AsSpan(valuePos + 1));
    }

    private void AppendPacked(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        int needed = _used + 2 + field.Length + value.Length;
        var packed = (byte[])_store;
        if (needed > packed.Length) packed = Grow(needed);
        int pos = _used;
        packed[pos++] = (byte)field.Length;
        field.CopyTo(packed.AsSpan(pos));
        pos += field.Length;
        packed[pos++] = (byte)value.Length;
        value.CopyTo(packed.AsSpan(pos));
        _used = needed;
        _count++;
    }

    /// <summary>Grows the packed array by about a quarter, rounded to the 8-byte granularity of the GC heap.</summary>
    private byte[] Grow(int needed)
    {
        int capacity = (Math.Max(needed, _used + _used / 4) + 7) & ~7;
        var packed = new byte[capacity];
        ((byte[])_store).AsSpan(0, _used).CopyTo(packed);
        _store = packed;
        return packed;
    }

    private void ConvertToTable()
    {
        var table = new ByteTable(hasValues: true, _count + 1);
        for (int pos = First(); pos >= 0; pos = Next(pos))
        {
            var field = FieldAt(pos);
            table.Add(field.ToArray(), ValueAt(pos).ToArray(), ByteTable.HashOf(field));
        }
        _store = table;
        _used = 0;
        _count = 0;
    }
}
