using System.Buffers.Binary;
using System.Text;
using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>Little-endian writer into a growing array. One per encoded frame; not thread-safe.</summary>
public sealed class WireWriter
{
    private byte[] _buffer;

    public WireWriter(int capacity = 256) => _buffer = new byte[capacity];

    public int Position { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Position);

    internal byte[] Buffer => _buffer;

    private Span<byte> Take(int count)
    {
        if (Position + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Position + count));
        }
        var span = _buffer.AsSpan(Position, count);
        Position += count;
        return span;
    }

    public void U8(byte value) => Take(1)[0] = value;
    public void U16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);
    public void U32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);
    public void U64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);
    public void I64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);
    public void Id(NodeId id) => id.WriteTo(Take(NodeId.ByteLength));
    public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    /// <summary>A string of at most 255 UTF-8 bytes behind a one-byte length; longer strings are a caller bug.</summary>
    public void Text(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        if (length > 255) throw new ArgumentException($"'{value[..20]}...' is over 255 bytes", nameof(value));
        U8((byte)length);
        Encoding.UTF8.GetBytes(value, Take(length));
    }

    /// <summary>Overwrites 4 bytes already written (a length field filled in once the size is known).</summary>
    public void PatchU32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(offset), value);

    public byte[] ToArray() => _buffer.AsSpan(0, Position).ToArray();
}
