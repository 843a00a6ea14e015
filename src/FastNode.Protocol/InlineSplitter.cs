namespace FastNode.Protocol;

/// <summary>
/// Splits an inline command line into arguments the way redis-cli users expect (Redis sdssplitargs semantics):
/// whitespace separates arguments; "double quotes" understand \n \r \t \b \a \\ \" and \xHH;
/// 'single quotes' understand only \'; a closing quote must be followed by whitespace or the end of the line.
/// Two details of sdssplitargs are kept: blanks between arguments are any C isspace byte (including \v and \f), but
/// an unquoted argument ends only at ' ', '\t', '\r' or '\n' (so "a\vb" is one argument); and the line ends at a
/// NUL byte, as a C string does.
/// </summary>
public static class InlineSplitter
{
    /// <summary>Writes the unescaped arguments into <paramref name="output"/> and their ranges into <paramref name="args"/>.
    /// Returns false on unbalanced quotes. <paramref name="output"/> must be at least as long as the line.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, Span<byte> output, ArgRangeList args)
    {
        int nul = line.IndexOf((byte)0);
        if (nul >= 0) line = line.Slice(0, nul);
        int i = 0, o = 0;
        while (true)
        {
            while (i < line.Length && IsSpace(line[i])) i++;
            if (i >= line.Length) return true;

            int start = o;
            bool inDouble = false, inSingle = false, done = false;
            while (!done)
            {
                if (inDouble)
                {
                    if (i >= line.Length) return false;
                    byte c = line[i];
                    if (c == '\\' && i + 3 < line.Length && line[i + 1] == 'x' && IsHex(line[i + 2]) && IsHex(line[i + 3]))
                    {
                        output[o++] = (byte)(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3]));
                        i += 4;
                    }
                    else if (c == '\\' && i + 1 < line.Length)
                    {
                        byte e = line[i + 1];
                        output[o++] = e switch { (byte)'n' => (byte)'\n', (byte)'r' => (byte)'\r', (byte)'t' => (byte)'\t', (byte)'b' => (byte)'\b', (byte)'a' => (byte)'\a', _ => e };
                        i += 2;
                    }
                    else if (c == '"')
                    {
                        i++;
                        if (i < line.Length && !IsSpace(line[i])) return false;
                        done = true;
                    }
                    else
                    {
                        output[o++] = c;
                        i++;
                    }
                }
                else if (inSingle)
                {
                    if (i >= line.Length) return false;
                    byte c = line[i];
                    if (c == '\\' && i + 1 < line.Length && line[i + 1] == '\'')
                    {
                        output[o++] = (byte)'\'';
                        i += 2;
                    }
                    else if (c == '\'')
                    {
                        i++;
                        if (i < line.Length && !IsSpace(line[i])) return false;
                        done = true;
                    }
                    else
                    {
                        output[o++] = c;
                        i++;
                    }
                }
                else
                {
                    if (i >= line.Length) { done = true; break; }
                    byte c = line[i];
                    if (EndsUnquoted(c)) done = true;
                    else if (c == '"') { inDouble = true; i++; }
                    else if (c == '\'') { inSingle = true; i++; }
                    else { output[o++] = c; i++; }
                }
            }
            args.Add(new ArgRange(start, o - start));
        }
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static bool EndsUnquoted(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
