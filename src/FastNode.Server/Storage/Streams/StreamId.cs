using System.Buffers.Binary;
using System.Buffers.Text;

namespace FastNode.Server.Storage.Streams;

/// <summary>A stream entry ID: milliseconds and a sequence number, both unsigned 64-bit, ordered as a pair.</summary>
public readonly record struct StreamId(ulong Ms, ulong Seq) : IComparable<StreamId>
{
    public static readonly StreamId Min = new(0, 0);
    public static readonly StreamId Max = new(ulong.MaxValue, ulong.MaxValue);

    /// <summary>Longest text form: two 20-digit numbers and the dash.</summary>
    public const int MaxTextLength = 41;

    public int CompareTo(StreamId other) =>
        Ms != other.Ms ? (Ms < other.Ms ? -1 : 1) : Seq != other.Seq ? (Seq < other.Seq ? -1 : 1) : 0;

    public static bool operator <(StreamId a, StreamId b) => a.CompareTo(b) < 0;
    public static bool operator >(StreamId a, StreamId b) => a.CompareTo(b) > 0;
    public static bool operator <=(StreamId a, StreamId b) => a.CompareTo(b) <= 0;
    public static bool operator >=(StreamId a, StreamId b) => a.CompareTo(b) >= 0;

    public bool IsZero => Ms == 0 && Seq == 0;

    /// <summary>The next ID; false for the largest one.</summary>
    public bool TryIncrement(out StreamId next)
    {
        if (Seq != ulong.MaxValue) next = new StreamId(Ms, Seq + 1);
        else if (Ms != ulong.MaxValue) next = new StreamId(Ms + 1, 0);
        else
        {
            next = this;
            return false;
        }
        return true;
    }

    /// <summary>The previous ID; false for 0-0.</summary>
    public bool TryDecrement(out StreamId previous)
    {
        if (Seq != 0) previous = new StreamId(Ms, Seq - 1);
        else if (Ms != 0) previous = new StreamId(Ms - 1, ulong.MaxValue);
        else
        {
            previous = this;
            return false;
        }
        return true;
    }

    /// <summary>Writes "ms-seq" into <paramref name="destination"/> (at least <see cref="MaxTextLength"/> bytes); returns the length.</summary>
    public int Format(Span<byte> destination)
    {
        Utf8Formatter.TryFormat(Ms, destination, out int n);
        destination[n++] = (byte)'-';
        Utf8Formatter.TryFormat(Seq, destination.Slice(n), out int m);
        return n + m;
    }

    public override string ToString()
    {
        Span<byte> text = stackalloc byte[MaxTextLength];
        return System.Text.Encoding.ASCII.GetString(text.Slice(0, Format(text)));
    }

    /// <summary>The 16-byte big-endian form (radix tree keys and PEL entries in RDB files).</summary>
    public void WriteBigEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, Ms);
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(8), Seq);
    }

    public static StreamId ReadBigEndian(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source.Slice(8)));

    /// <summary>
    /// Parses "ms", "ms-seq" and, when <paramref name="allowAutoSeq"/>, "ms-*" (then <paramref name="seqGiven"/> is
    /// false); a missing sequence is <paramref name="missingSeq"/>. "-" and "+" only when <paramref name="allowSpecial"/>.
    /// The numbers follow Redis's string2ull: digits only, no sign, at most 2^64-1.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, ulong missingSeq, bool allowSpecial, bool allowAutoSeq, out StreamId id, out bool seqGiven)
    {
        id = default;
        seqGiven = true;
        if (text.Length > 127) return false;
        if (text.Length == 1 && (text[0] == (byte)'-' || text[0] == (byte)'+'))
        {
            if (!allowSpecial) return false;
            id = text[0] == (byte)'-' ? Min : Max;
            return true;
        }
        int dash = text.IndexOf((byte)'-');
        var msText = dash < 0 ? text : text.Slice(0, dash);
        if (!TryParseUnsigned(msText, out ulong ms)) return false;
        ulong seq = missingSeq;
        if (dash >= 0)
        {
            var seqText = text.Slice(dash + 1);
            if (allowAutoSeq && seqText.Length == 1 && seqText[0] == (byte)'*')
            {
                seq = 0;
                seqGiven = false;
            }
            else if (!TryParseUnsigned(seqText, out seq)) return false;
        }
        id = new StreamId(ms, seq);
        return true;
    }

    /// <summary>
    /// Redis string2ull: a string2ll-valid non-negative number, or beyond that range what strtoull accepts in full
    /// (here: plain digits that fit 64 bits).
    /// </summary>
    private static bool TryParseUnsigned(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (FastNode.Protocol.Numbers.TryParseInt64(text, out long signed))
        {
            if (signed < 0) return false;
            value = (ulong)signed;
            return true;
        }
        if (text.IsEmpty || text.Length > 20) return false;
        foreach (byte b in text)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9) return false;
            if (value > (ulong.MaxValue - digit) / 10) return false;
            value = value * 10 + digit;
        }
        return true;
    }
}
