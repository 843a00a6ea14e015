namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// The LZF format RDB files use for compressed strings. A stream of runs, each opened by a control byte c:
/// c &lt; 32: c + 1 literal bytes follow; otherwise a back reference of length (c &gt;&gt; 5) + 2 (with 7 meaning
/// "add the next byte"), at distance ((c &amp; 31) &lt;&lt; 8 | next byte) + 1 back in the output.
/// The compressor is a plain greedy one with a 3-byte hash; any valid LZF stream decompresses the same way.
/// </summary>
public static class Lzf
{
    private const int MaxLiteral = 32;
    private const int MaxOffset = 8192;
    private const int MaxMatch = 7 + 255 + 2;
    private const int HashBits = 14;

    /// <summary>Compresses into <paramref name="output"/>; returns the length, or 0 when it does not fit.</summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length < 4) return 0;
        var table = new int[1 << HashBits];   // position + 1 of the last 3-byte sequence with this hash
        int ip = 0, op = 0, literalStart = 0;
        while (ip + 2 < input.Length)
        {
            int h = Hash(input, ip);
            int candidate = table[h] - 1;
            table[h] = ip + 1;
            int distance = ip - candidate - 1;
            if (candidate >= 0 && distance < MaxOffset && input[candidate] == input[ip]
                && input[candidate + 1] == input[ip + 1] && input[candidate + 2] == input[ip + 2])
            {
                int max = Math.Min(MaxMatch, input.Length - ip);
                int length = 3;
                while (length < max && input[candidate + length] == input[ip + length]) length++;
                if (!TryLiterals(input.Slice(literalStart, ip - literalStart), output, ref op)) return 0;
                int code = length - 2;
                if (op + 3 > output.Length) return 0;
                if (code < 7)
                {
                    output[op++] = (byte)((code << 5) | (distance >> 8));
                }
                else
                {
                    output[op++] = (byte)((7 << 5) | (distance >> 8));
                    output[op++] = (byte)(code - 7);
                }
                output[op++] = (byte)distance;
                ip += length;
                literalStart = ip;
                continue;
            }
            ip++;
        }
        if (!TryLiterals(input.Slice(literalStart), output, ref op)) return 0;
        return op;
    }

    /// <summary>
    /// Decompresses exactly <paramref name="output"/>.Length bytes; false when the input is corrupt (a reference
    /// before the start, a run past either end, or a different total length).
    /// </summary>
    public static bool TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int control = input[ip++];
            if (control < MaxLiteral)
            {
                int length = control + 1;
                if (ip + length > input.Length || op + length > output.Length) return false;
                input.Slice(ip, length).CopyTo(output.Slice(op));
                ip += length;
                op += length;
                continue;
            }
            int count = control >> 5;
            if (count == 7)
            {
                if (ip >= input.Length) return false;
                count += input[ip++];
            }
            if (ip >= input.Length) return false;
            int from = op - ((control & 31) << 8) - input[ip++] - 1;
            count += 2;
            if (from < 0 || op + count > output.Length) return false;
            for (int i = 0; i < count; i++) output[op++] = output[from++];   // may overlap: byte by byte
        }
        return op == output.Length;
    }

    private static bool TryLiterals(ReadOnlySpan<byte> literals, Span<byte> output, ref int op)
    {
        while (literals.Length > 0)
        {
            int n = Math.Min(MaxLiteral, literals.Length);
            if (op + 1 + n > output.Length) return false;
            output[op++] = (byte)(n - 1);
            literals.Slice(0, n).CopyTo(output.Slice(op));
            op += n;
            literals = literals.Slice(n);
        }
        return true;
    }

    private static int Hash(ReadOnlySpan<byte> s, int i)
    {
        uint v = (uint)(s[i] << 16 | s[i + 1] << 8 | s[i + 2]);
        return (int)((v * 2654435761u) >> (32 - HashBits));
    }
}
