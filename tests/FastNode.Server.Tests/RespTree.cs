using System.Text;

namespace FastNode.Server.Tests;

/// <summary>
/// Parses one reply into nested values for structural assertions (COMMAND DOCS, COMMAND INFO): strings for simple,
/// bulk and verbatim strings, long for integers, null for nils, List&lt;object?&gt; for arrays, sets and maps
/// (maps flattened to key, value, key, value, as a RESP2 client sees them).
/// </summary>
public static class RespTree
{
    public static object? Parse(string reply)
    {
        int pos = 0;
        var value = Read(Encoding.UTF8.GetBytes(reply), ref pos);
        Assert.That(pos, Is.EqualTo(Encoding.UTF8.GetByteCount(reply)), "trailing bytes after the reply");
        return value;
    }

    private static object? Read(byte[] data, ref int pos)
    {
        int end = Array.IndexOf(data, (byte)'\r', pos);
        char type = (char)data[pos];
        string header = Encoding.UTF8.GetString(data, pos + 1, end - pos - 1);
        pos = end + 2;
        switch (type)
        {
            case '+': case '-': return header;
            case ':': return long.Parse(header);
            case '_': return null;
            case '$': case '=':
                {
                    int length = int.Parse(header);
                    if (length < 0) return null;
                    string text = Encoding.UTF8.GetString(data, pos, length);
                    pos += length + 2;
                    return type == '=' ? text[4..] : text;
                }
            case '*': case '~': case '%':
                {
                    int count = int.Parse(header);
                    if (count < 0) return null;
                    if (type == '%') count *= 2;
                    var items = new List<object?>(count);
                    for (int i = 0; i < count; i++) items.Add(Read(data, ref pos));
                    return items;
                }
            default:
                throw new FormatException($"unexpected type '{type}'");
        }
    }

    /// <summary>The value of <paramref name="key"/> in a flattened map, or throws.</summary>
    public static object? Field(List<object?> map, string key)
    {
        for (int i = 0; i + 1 < map.Count; i += 2)
        {
            if (map[i] as string == key) return map[i + 1];
        }
        throw new KeyNotFoundException(key);
    }
}
