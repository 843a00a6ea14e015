using System.Buffers.Binary;

namespace FastNode.Cluster.Nodes;

/// <summary>
/// A Redis Cluster node name: 160 random bits, written as 40 lowercase hex characters.
/// Ordering is the byte order of the name, the same order Redis uses (memcmp) to break ties.
/// </summary>
public readonly struct NodeId : IEquatable<NodeId>, IComparable<NodeId>
{
    public const int ByteLength = 20;
    public const int HexLength = 40;

    // Big-endian pieces of the 20 bytes, so comparing them in order compares the bytes.
    private readonly ulong _high;
    private readonly ulong _middle;
    private readonly uint _low;

    private NodeId(ulong high, ulong middle, uint low)
    {
        _high = high;
        _middle = middle;
        _low = low;
    }

    /// <summary>The all-zero id; means "none" (for example a primary's own primary id).</summary>
    public static NodeId None => default;

    public bool IsNone => _high == 0 && _middle == 0 && _low == 0;

    public static NodeId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < ByteLength) throw new ArgumentException("a node id is 20 bytes", nameof(bytes));
        return new NodeId(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]));
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _middle);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _low);
    }

    public static NodeId NewRandom(Random random)
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        random.NextBytes(bytes);
        return FromBytes(bytes);
    }

    /// <summary>Parses exactly 40 hex characters (either case), as found in nodes.conf and CLUSTER commands.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out NodeId id)
    {
        id = default;
        if (text.Length != HexLength) return false;
        Span<byte> bytes = stackalloc byte[ByteLength];
        for (int i = 0; i < ByteLength; i++)
        {
            int hi = HexValue(text[2 * i]);
            int lo = HexValue(text[2 * i + 1]);
            if ((hi | lo) < 0) return false;
            bytes[i] = (byte)((hi << 4) | lo);
        }
        id = FromBytes(bytes);
        return true;
    }

    public static NodeId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a 40-character hex node id");

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The first 8 hex digits, for logs and test messages.</summary>
    public string Short => ToString()[..8];

    public bool Equals(NodeId other) => _high == other._high && _middle == other._middle && _low == other._low;
    public override bool Equals(object? obj) => obj is NodeId other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_high, _middle, _low);

    public int CompareTo(NodeId other)
    {
        int c = _high.CompareTo(other._high);
        if (c != 0) return c;
        c = _middle.CompareTo(other._middle);
        return c != 0 ? c : _low.CompareTo(other._low);
    }

    public static bool operator ==(NodeId a, NodeId b) => a.Equals(b);
    public static bool operator !=(NodeId a, NodeId b) => !a.Equals(b);
    public static bool operator <(NodeId a, NodeId b) => a.CompareTo(b) < 0;
    public static bool operator >(NodeId a, NodeId b) => a.CompareTo(b) > 0;
}
