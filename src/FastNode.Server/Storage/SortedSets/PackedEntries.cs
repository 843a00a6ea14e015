using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// The layout of a small sorted set ("listpack"): one byte[] of entries in order (score, then member bytes), each
/// [score: 8-byte little-endian double][length: 1 byte][member][length: 1 byte]. The trailing length lets a walk go
/// backwards (ZREVRANGE) without an offset table. Members are at most <see cref="SortedSetValue.MaxPackedLength"/>
/// bytes, so one byte holds a length. Scores are stored with -0 turned into 0, as Redis's listpack does.
/// </summary>
internal static class PackedEntries
{
    /// <summary>Bytes of an entry besides its member: the score and both length bytes.</summary>
    public const int Overhead = 10;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Score(byte[] buffer, int offset) => BinaryPrimitives.ReadDoubleLittleEndian(buffer.AsSpan(offset, 8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Member(byte[] buffer, int offset) => buffer.AsSpan(offset + 9, buffer[offset + 8]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Next(byte[] buffer, int offset) => offset + Overhead + buffer[offset + 8];

    /// <summary>The entry before the one at <paramref name="offset"/> (which must not be the first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Previous(byte[] buffer, int offset) => offset - Overhead - buffer[offset - 1];

    public static int Size(ReadOnlySpan<byte> member) => Overhead + member.Length;

    /// <summary>Writes an entry at <paramref name="offset"/> (room must have been made).</summary>
    public static void Write(byte[] buffer, int offset, ReadOnlySpan<byte> member, double score)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(offset, 8), score == 0 ? 0.0 : score);
        buffer[offset + 8] = (byte)member.Length;
        member.CopyTo(buffer.AsSpan(offset + 9));
        buffer[offset + 9 + member.Length] = (byte)member.Length;
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
            if (buffer[offset + 8] == member.Length && Member(buffer, offset).SequenceEqual(member)) return offset;
        }
        return -1;
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
