using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// The layout of a small sorted set ("listpack"): one byte[] of entries in order (score, then member bytes), each
/// [head: 1 byte][member][score: 4 or 8 bytes, little-endian][head: 1 byte]. The head holds the member length (at most
/// <see cref="SortedSetValue.MaxPackedLength"/>, 7 bits) and, in the top bit, whether the score is an integer that fits
/// an int32 (stored in 4 bytes) rather than a double (8 bytes). The trailing head lets a walk go backwards (ZREVRANGE)
/// without an offset table. Like Redis's listpack, an integral score is stored as an integer, so -0 reads back as 0.
/// </summary>
internal static class PackedEntries
{
    /// <summary>Bytes of an entry besides its member and score: the two heads.</summary>
    public const int HeadBytes = 2;

    private const byte IntegerScore = 0x80;
    private const byte LengthMask = 0x7F;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsInteger(double score, out int value)
    {
        value = (int)score;
        return value == score && score >= int.MinValue && score <= int.MaxValue;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Score(byte[] buffer, int offset)
    {
        byte head = buffer[offset];
        var at = buffer.AsSpan(offset + 1 + (head & LengthMask));
        return (head & IntegerScore) != 0 ? BinaryPrimitives.ReadInt32LittleEndian(at) : BinaryPrimitives.ReadDoubleLittleEndian(at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Member(byte[] buffer, int offset) => buffer.AsSpan(offset + 1, buffer[offset] & LengthMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SizeOf(byte head) => HeadBytes + (head & LengthMask) + ((head & IntegerScore) != 0 ? 4 : 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Next(byte[] buffer, int offset) => offset + SizeOf(buffer[offset]);

    /// <summary>The entry before the one at <paramref name="offset"/> (which must not be the first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Previous(byte[] buffer, int offset) => offset - SizeOf(buffer[offset - 1]);

    public static int Size(ReadOnlySpan<byte> member, double score) => HeadBytes + member.Length + (IsInteger(score, out _) ? 4 : 8);

    /// <summary>Writes an entry at <paramref name="offset"/> (room must have been made: <see cref="Size"/> bytes).</summary>
    public static void Write(byte[] buffer, int offset, ReadOnlySpan<byte> member, double score)
    {
        bool integer = IsInteger(score, out int value);
        byte head = (byte)(member.Length | (integer ? IntegerScore : 0));
        buffer[offset] = head;
        member.CopyTo(buffer.AsSpan(offset + 1));
        var at = buffer.AsSpan(offset + 1 + member.Length);
        if (integer) BinaryPrimitives.WriteInt32LittleEndian(at, value);
        else BinaryPrimitives.WriteDoubleLittleEndian(at, score);
        buffer[offset + SizeOf(head) - 1] = head;
    }

    /// <summary>True when the entry at <paramref name="offset"/> sorts before (score, member).</summary>
    public static bool Before(byte[] buffer, int offset, double score, ReadOnlySpan<byte> member)
    {
        double s = Score(buffer, offset);
        return s < score || (s == score && Member(buffer, offset).SequenceCompareTo(member) < 0);
    }

    /// <summary>Offset of <paramref name="member"/> in the first <paramref name="used"/> bytes, or -1.</summary>
    public static int Find(byte[] buffer, int used, ReadOnlySpan<byte> member, out int rank)
    {
        rank = 0;
        if (member.Length > SortedSetValue.MaxPackedLength) return -1;
        for (int offset = 0; offset < used; offset = Next(buffer, offset), rank++)
        {
            if ((buffer[offset] & LengthMask) == member.Length && Member(buffer, offset).SequenceEqual(member)) return offset;
        }
        return -1;
    }

    /// <summary>0-based rank of the entry at <paramref name="offset"/>.</summary>
    public static int RankAt(byte[] buffer, int offset)
    {
        int rank = 0;
        for (int at = 0; at < offset; at = Next(buffer, at)) rank++;
        return rank;
    }

    /// <summary>Offset of the entry of 0-based <paramref name="rank"/> (which must be in range).</summary>
    public static int AtRank(byte[] buffer, int used, int count, int rank)
    {
        if (rank * 2 < count)
        {
            int offset = 0;
            for (int i = 0; i < rank; i++) offset = Next(buffer, offset);
            return offset;
        }
        int back = used;
        for (int i = count; i > rank; i--) back = Previous(buffer, back);
        return back;
    }
}
