using System.Text;

namespace FastNode.Tests.Shared;

/// <summary>
/// Test-side RESP reader: finds where one complete reply ends in a byte buffer, so tests can compare exact bytes.
/// Handles every RESP2/RESP3 type the server sends.
/// </summary>
public static class RespReplyScanner
{
    /// <summary>Length in bytes of the first complete reply in <paramref name="data"/>, or -1 if it is incomplete.</summary>
    public static int CompleteLength(ReadOnlySpan<byte> data)
    {
        int pos = 0;
        return Skip(data, ref pos) ? pos : -1;
    }

    private static bool Skip(ReadOnlySpan<byte> data, ref int pos)
    {
        if (pos >= data.Length) return false;
        int lineEnd = data.Slice(pos).IndexOf("\r\n"u8);
        if (lineEnd < 0) return false;
        byte type = data[pos];
        var header = Encoding.ASCII.GetString(data.Slice(pos + 1, lineEnd - 1));
        pos += lineEnd + 2;
        switch ((char)type)
        {
            case '+': case '-': case ':': case '_': case ',': case '#': case '(':
                return true;
            case '$': case '=': case '!':
                {
                    long len = long.Parse(header);
                    if (len < 0) return true;
                    if (pos + len + 2 > data.Length) return false;
                    pos += (int)len + 2;
                    return true;
                }
            case '*': case '~': case '>': case '%': case '|':
                {
                    long count = long.Parse(header);
                    if (count < 0) return true;
                    if (type is (byte)'%' or (byte)'|') count *= 2;
                    for (long i = 0; i < count; i++)
                        if (!Skip(data, ref pos)) return false;
                    return true;
                }
            default:
                throw new FormatException($"unexpected RESP type byte '{(char)type}' at {pos}");
        }
    }

    /// <summary>Makes control bytes visible in assertion messages.</summary>
    public static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");
}
