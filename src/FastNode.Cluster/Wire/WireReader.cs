using System.Buffers.Binary;
using System.Text;
using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// Little-endian reader over one frame's payload. Every read is a Try: it returns false instead of reading past the
/// end, and never throws, so garbage from the network can only make decoding fail.
/// </summary>
public ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public readonly bool AtEnd => _position == _data.Length;

    private bool TryTake(int count, out ReadOnlySpan<byte> span)
    {
        if ((uint)count > (uint)Remaining)
        {
            span = default;
            return false;
        }
        span = _data.Slice(_position, count);
        _position += count;
        return true;
    }

    public bool TryU8(out byte value)
    {
        value = 0;
        if (!TryTake(1, out var s)) return false;
        value = s[0];
        return true;
    }

    public bool TryU16(out ushort value)
    {
        value = 0;
        if (!TryTake(2, out var s)) return false;
        value = BinaryPrimitives.ReadUInt16LittleEndian(s);
        return true;
    }

    public bool TryU32(out uint value)
    {
        value = 0;
        if (!TryTake(4, out var s)) return false;
        value = BinaryPrimitives.ReadUInt32LittleEndian(s);
        return true;
    }

    public bool TryU64(out ulong value)
    {
        value = 0;
        if (!TryTake(8, out var s)) return false;
        value = BinaryPrimitives.ReadUInt64LittleEndian(s);
        return true;
    }

    /// <summary>
    /// Epochs, incarnations and offsets: never negative, and below 2^62 so that the +1 a node adds to refute or to
    /// start an election can never overflow, whatever a peer sent.
    /// </summary>
    public const long MaxCount = 1L << 62;

    public bool TryCount64(out long value)
    {
        value = 0;
        if (!TryTake(8, out var s)) return false;
        value = BinaryPrimitives.ReadInt64LittleEndian(s);
        return value is >= 0 and < MaxCount;
    }

    public bool TryId(out NodeId id)
    {
        id = default;
        if (!TryTake(NodeId.ByteLength, out var s)) return false;
        id = NodeId.FromBytes(s);
        return true;
    }

    public bool TryBytes(int count, out ReadOnlySpan<byte> bytes) => TryTake(count, out bytes);

    /// <summary>A length-prefixed UTF-8 string; invalid UTF-8 is refused rather than replaced.</summary>
    public bool TryText(out string value)
    {
        value = "";
        if (!TryU8(out byte length) || !TryTake(length, out var s)) return false;
        if (!System.Text.Unicode.Utf8.IsValid(s)) return false;
        value = Encoding.UTF8.GetString(s);
        return true;
    }
}
