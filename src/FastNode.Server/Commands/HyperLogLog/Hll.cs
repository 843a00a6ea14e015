using System.Buffers.Binary;

namespace FastNode.Server.Commands.HyperLogLog;

/// <summary>
/// Redis's HyperLogLog string format, so a value moves between FastNode and Redis through GET/SET or DUMP/RESTORE and
/// PFCOUNT gives the same estimate for the same inputs. The value is a 16-byte header ("HYLL", the encoding, three
/// unused bytes, the cached cardinality as 8 little-endian bytes whose top bit marks it stale) followed by 16384
/// registers: dense (6 bits each, least significant bits first, 12288 bytes) or sparse (run-length opcodes: ZERO
/// 00xxxxxx for 1..64 zero registers, XZERO 01xxxxxx yyyyyyyy for 1..16384, VAL 1vvvvvxx for 1..4 registers of value
/// 1..32). Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, and the run of
/// zeros above them (plus one) is its candidate value. The estimate is Ertl's improved estimator over the register
/// histogram, computed with the same double operations as Redis. Pure functions over spans.
/// </summary>
public static class Hll
{
    public const int HeaderSize = 16;
    public const int Registers = 1 << P;
    public const int DenseSize = HeaderSize + (Registers * BitsPerRegister + 7) / 8;
    /// <summary>An empty HLL: the header and one XZERO opcode covering every register.</summary>
    public const int EmptySize = HeaderSize + 2;
    public const byte Dense = 0;
    public const byte Sparse = 1;
    public const int SparseMaxValue = 32;

    private const int P = 14;
    private const int Q = 64 - P;
    private const int BitsPerRegister = 6;
    private const int RegisterMax = (1 << BitsPerRegister) - 1;
    private const int ZeroMaxLength = 64;
    private const int ValMaxLength = 4;
    private const double AlphaInf = 0.721347520444481703680;

    public enum SetResult { Unchanged, Updated, Promote, Invalid }

    // ---- the header ----

    /// <summary>What Redis's isHLLObjectOrReply accepts: long enough, "HYLL", a known encoding, a dense one exactly sized.</summary>
    public static bool HasValidHeader(ReadOnlySpan<byte> value) =>
        value.Length >= HeaderSize && value[0] == (byte)'H' && value[1] == (byte)'Y' && value[2] == (byte)'L'
        && value[3] == (byte)'L' && value[4] <= Sparse && (value[4] != Dense || value.Length == DenseSize);

    public static void WriteEmpty(Span<byte> into)
    {
        into.Slice(0, EmptySize).Clear();
        "HYLL"u8.CopyTo(into);
        into[4] = Sparse;
        SetXZero(into.Slice(HeaderSize), Registers);
    }

    public static bool CacheValid(ReadOnlySpan<byte> value) => (value[15] & 0x80) == 0;

    public static long CachedCount(ReadOnlySpan<byte> value) => (long)BinaryPrimitives.ReadUInt64LittleEndian(value.Slice(8));

    public static void SetCachedCount(Span<byte> value, long count) => BinaryPrimitives.WriteUInt64LittleEndian(value.Slice(8), (ulong)count);

    public static void InvalidateCache(Span<byte> value) => value[15] |= 0x80;

    // ---- hashing ----

    /// <summary>MurmurHash2's 64-bit variant, reading words little-endian as Redis does on every platform.</summary>
    public static ulong MurmurHash64A(ReadOnlySpan<byte> key, uint seed)
    {
        const ulong m = 0xc6a4a7935bd1e995;
        const int r = 47;
        ulong h = seed ^ unchecked((ulong)key.Length * m);
        int whole = key.Length & ~7;
        for (int i = 0; i < whole; i += 8)
        {
            ulong k = BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(i));
            k *= m;
            k ^= k >> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int rest = key.Length & 7;
        if (rest > 0)
        {
            for (int i = rest - 1; i >= 0; i--) h ^= (ulong)key[whole + i] << (8 * i);
            h *= m;
        }
        h ^= h >> r;
        h *= m;
        h ^= h >> r;
        return h;
    }

    /// <summary>The register an element falls in, and the length of its "000...1" pattern (1..Q+1).</summary>
    public static int PatternLength(ReadOnlySpan<byte> element, out int register)
    {
        ulong hash = MurmurHash64A(element, 0xadc83b19);
        register = (int)(hash & (Registers - 1));
        hash >>= P;
        hash |= 1UL << Q;   // the loop below ends by bit Q at the latest
        return System.Numerics.BitOperations.TrailingZeroCount(hash) + 1;
    }

    // ---- dense ----

    /// <summary>Register <paramref name="index"/> of a dense register array (the value past the header).</summary>
    public static int DenseGet(ReadOnlySpan<byte> registers, int index)
    {
        int bit = index * BitsPerRegister;
        int b = bit >> 3, shift = bit & 7;
        int b0 = registers[b];
        // The last register lies in one byte: Redis reads the string's terminating zero there.
        int b1 = b + 1 < registers.Length ? registers[b + 1] : 0;
        return ((b0 >> shift) | (b1 << (8 - shift))) & RegisterMax;
    }

    public static void DenseSet(Span<byte> registers, int index, int value)
    {
        int bit = index * BitsPerRegister;
        int b = bit >> 3, shift = bit & 7;
        registers[b] = (byte)((registers[b] & ~(RegisterMax << shift)) | (value << shift));
        if (b + 1 < registers.Length)
            registers[b + 1] = (byte)((registers[b + 1] & ~(RegisterMax >> (8 - shift))) | (value >> (8 - shift)));
    }

    /// <summary>Raises a dense register to <paramref name="count"/>; true when it was lower.</summary>
    public static bool DenseRaise(Span<byte> registers, int index, int count)
    {
        if (count <= DenseGet(registers, index)) return false;
        DenseSet(registers, index, count);
        return true;
    }

    // ---- sparse ----

    private static bool IsZero(byte op) => (op & 0xC0) == 0;

    private static bool IsXZero(byte op) => (op & 0xC0) == 0x40;

    private static bool IsVal(byte op) => (op & 0x80) != 0;

    private static int ZeroLength(byte op) => (op & 0x3F) + 1;

    private static int XZeroLength(byte op, byte next) => (((op & 0x3F) << 8) | next) + 1;

    private static int ValValue(byte op) => ((op >> 2) & 0x1F) + 1;

    private static int ValLength(byte op) => (op & 3) + 1;

    private static byte Val(int value, int length) => (byte)(0x80 | ((value - 1) << 2) | (length - 1));

    private static void SetXZero(Span<byte> at, int length)
    {
        at[0] = (byte)(0x40 | ((length - 1) >> 8));
        at[1] = (byte)((length - 1) & 0xFF);
    }

    /// <summary>Writes a ZERO or XZERO run of <paramref name="length"/> registers; returns the bytes written.</summary>
    private static int WriteZeros(Span<byte> at, int length)
    {
        if (length > ZeroMaxLength)
        {
            SetXZero(at, length);
            return 2;
        }
        at[0] = (byte)(length - 1);
        return 1;
    }

    /// <summary>
    /// Raises register <paramref name="index"/> of a sparse HLL (<paramref name="value"/>, <paramref name="length"/>
    /// bytes used, room for 3 more) to <paramref name="count"/>, splitting the opcode that covers it and merging equal
    /// neighbours as Redis's hllSparseSet does, so both produce the same bytes. Promote: the value needs the dense form
    /// (a count above 32, or more than <paramref name="maxBytes"/>), left unchanged; the caller converts it.
    /// </summary>
    public static SetResult SparseSet(Span<byte> value, ref int length, int index, int count, long maxBytes)
    {
        if (count > SparseMaxValue) return SetResult.Promote;
        int start = HeaderSize, end = length;
        int p = start, prev = -1, first = 0, span = 0;
        while (p < end)
        {
            byte op = value[p];
            int opLength = 1;
            if (IsZero(op)) span = ZeroLength(op);
            else if (IsVal(op)) span = ValLength(op);
            else
            {
                if (p + 1 >= end) return SetResult.Invalid;
                span = XZeroLength(op, value[p + 1]);
                opLength = 2;
            }
            if (index <= first + span - 1) break;
            prev = p;
            p += opLength;
            first += span;
        }
        if (span == 0 || p >= end) return SetResult.Invalid;
        byte current = value[p];
        int next = IsXZero(current) ? p + 2 : p + 1;
        bool hasNext = next < end;
        int runLength = IsZero(current) ? ZeroLength(current) : IsXZero(current) ? XZeroLength(current, value[p + 1]) : ValLength(current);

        if (IsVal(current))
        {
            if (ValValue(current) >= count) return SetResult.Unchanged;
            if (runLength == 1)
            {
                value[p] = Val(count, 1);
                MergeAdjacent(value, ref length, prev >= 0 ? prev : start);
                return SetResult.Updated;
            }
        }
        else if (IsZero(current) && runLength == 1)
        {
            value[p] = Val(count, 1);
            MergeAdjacent(value, ref length, prev >= 0 ? prev : start);
            return SetResult.Updated;
        }

        // The general case: the opcode becomes up to three (worst: XZERO-VAL-XZERO, 5 bytes).
        Span<byte> seq = stackalloc byte[5];
        int n = 0;
        int last = first + span - 1;
        if (IsVal(current))
        {
            int old = ValValue(current);
            if (index != first) seq[n++] = Val(old, index - first);
            seq[n++] = Val(count, 1);
            if (index != last) seq[n++] = Val(old, last - index);
        }
        else
        {
            if (index != first) n += WriteZeros(seq.Slice(n), index - first);
            seq[n++] = Val(count, 1);
            if (index != last) n += WriteZeros(seq.Slice(n), last - index);
        }
        int oldLength = IsXZero(current) ? 2 : 1;
        int delta = n - oldLength;
        if (delta > 0 && length + delta > maxBytes) return SetResult.Promote;
        if (delta != 0 && hasNext) value.Slice(next, end - next).CopyTo(value.Slice(next + delta));
        length += delta;
        seq.Slice(0, n).CopyTo(value.Slice(p));
        MergeAdjacent(value, ref length, prev >= 0 ? prev : start);
        return SetResult.Updated;
    }

    /// <summary>Merges up to five opcodes from <paramref name="p"/> on: adjacent VALs of one value whose runs fit in one.</summary>
    private static void MergeAdjacent(Span<byte> value, ref int length, int p)
    {
        int end = length;
        int scan = 5;
        while (p < end && scan-- > 0)
        {
            byte op = value[p];
            if (IsXZero(op))
            {
                p += 2;
                continue;
            }
            if (IsZero(op))
            {
                p++;
                continue;
            }
            if (p + 1 < end && IsVal(value[p + 1]) && ValValue(op) == ValValue(value[p + 1]))
            {
                int merged = ValLength(op) + ValLength(value[p + 1]);
                if (merged <= ValMaxLength)
                {
                    value[p + 1] = Val(ValValue(op), merged);
                    value.Slice(p + 1, end - p - 1).CopyTo(value.Slice(p));
                    end--;
                    continue;
                }
            }
            p++;
        }
        length = end;
    }

    /// <summary>
    /// The dense form of a sparse HLL, its header (cached cardinality included) copied. False when the opcodes do
    /// not cover exactly 16384 registers.
    /// </summary>
    public static bool SparseToDense(ReadOnlySpan<byte> sparse, Span<byte> dense)
    {
        dense = dense.Slice(0, DenseSize);
        dense.Clear();
        sparse.Slice(0, HeaderSize).CopyTo(dense);
        dense[4] = Dense;
        var registers = dense.Slice(HeaderSize);
        int index = 0;
        for (int p = HeaderSize; p < sparse.Length;)
        {
            byte op = sparse[p];
            if (IsZero(op))
            {
                index += ZeroLength(op);
                p++;
            }
            else if (IsXZero(op))
            {
                if (p + 1 >= sparse.Length) return false;
                index += XZeroLength(op, sparse[p + 1]);
                p += 2;
            }
            else
            {
                int run = ValLength(op), v = ValValue(op);
                if (run + index > Registers) return false;
                for (int i = 0; i < run; i++) DenseSet(registers, index++, v);
                p++;
            }
        }
        return index == Registers;
    }

    // ---- counting and merging ----

    /// <summary>
    /// Raises each of <paramref name="max"/>'s 16384 one-byte registers to the HLL's (PFCOUNT of several keys,
    /// PFMERGE). False for a sparse HLL whose opcodes do not cover exactly 16384 registers.
    /// </summary>
    public static bool MergeInto(Span<byte> max, ReadOnlySpan<byte> value)
    {
        if (value[4] == Dense)
        {
            var registers = value.Slice(HeaderSize);
            for (int i = 0; i < Registers; i++)
            {
                int v = DenseGet(registers, i);
                if (v > max[i]) max[i] = (byte)v;
            }
            return true;
        }
        int index = 0;
        for (int p = HeaderSize; p < value.Length;)
        {
            byte op = value[p];
            if (IsZero(op))
            {
                index += ZeroLength(op);
                p++;
            }
            else if (IsXZero(op))
            {
                if (p + 1 >= value.Length) return false;
                index += XZeroLength(op, value[p + 1]);
                p += 2;
            }
            else
            {
                int run = ValLength(op), v = ValValue(op);
                if (run + index > Registers) return false;
                for (int i = 0; i < run; i++, index++)
                {
                    if (v > max[index]) max[index] = (byte)v;
                }
                p++;
            }
        }
        return index == Registers;
    }

    /// <summary>The estimate of a stored HLL (dense or sparse). <paramref name="invalid"/> for a sparse one that is corrupt.</summary>
    public static long Count(ReadOnlySpan<byte> value, out bool invalid)
    {
        Span<int> histogram = stackalloc int[64];
        invalid = false;
        if (value[4] == Dense)
        {
            var registers = value.Slice(HeaderSize);
            for (int i = 0; i < Registers; i++) histogram[DenseGet(registers, i)]++;
        }
        else
        {
            int index = 0;
            for (int p = HeaderSize; p < value.Length;)
            {
                byte op = value[p];
                if (IsZero(op))
                {
                    int run = ZeroLength(op);
                    index += run;
                    histogram[0] += run;
                    p++;
                }
                else if (IsXZero(op))
                {
                    if (p + 1 >= value.Length)
                    {
                        invalid = true;
                        return 0;
                    }
                    int run = XZeroLength(op, value[p + 1]);
                    index += run;
                    histogram[0] += run;
                    p += 2;
                }
                else
                {
                    int run = ValLength(op);
                    index += run;
                    histogram[ValValue(op)] += run;
                    p++;
                }
            }
            if (index != Registers)
            {
                invalid = true;
                return 0;
            }
        }
        return Estimate(histogram);
    }

    /// <summary>The estimate of 16384 one-byte registers (the union PFCOUNT of several keys builds).</summary>
    public static long CountRaw(ReadOnlySpan<byte> registers)
    {
        Span<int> histogram = stackalloc int[256];
        for (int i = 0; i < Registers; i++) histogram[registers[i]]++;
        return Estimate(histogram);
    }

    /// <summary>Ertl's estimator ("New cardinality estimation algorithms for HyperLogLog sketches"), as Redis's hllCount.</summary>
    private static long Estimate(ReadOnlySpan<int> histogram)
    {
        double m = Registers;
        double z = m * Tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; j--)
        {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * Sigma(histogram[0] / m);
        return (long)Math.Round(AlphaInf * m * m / z, MidpointRounding.AwayFromZero);
    }

    private static double Sigma(double x)
    {
        if (x == 1.0) return double.PositiveInfinity;
        double y = 1, z = x, previous;
        do
        {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        } while (previous != z);
        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0.0 || x == 1.0) return 0.0;
        double y = 1.0, z = 1 - x, previous;
        do
        {
            x = Math.Sqrt(x);
            previous = z;
            y *= 0.5;
            z -= Math.Pow(1 - x, 2) * y;
        } while (previous != z);
        return z / 3;
    }
}
