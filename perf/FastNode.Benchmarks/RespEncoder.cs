using System.Text;

namespace FastNode.Benchmarks;

/// <summary>Encodes requests as RESP arrays of bulk strings. Setup only: it allocates freely.</summary>
public static class RespEncoder
{
    public static byte[] Command(params string[] args)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args) sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>One buffer holding <paramref name="count"/> pipelined commands; command i is <c>command(i)</c>.</summary>
    public static byte[] Batch(int count, Func<int, string[]> command)
    {
        var output = new MemoryStream();
        for (int i = 0; i < count; i++) output.Write(Command(command(i)));
        return output.ToArray();
    }
}
