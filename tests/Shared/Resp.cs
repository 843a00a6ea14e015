using System.Text;

namespace FastNode.Tests.Shared;

/// <summary>Builds RESP requests for tests.</summary>
public static class Resp
{
    /// <summary>Encodes a command as a RESP array of bulk strings.</summary>
    public static byte[] Command(params string[] args)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static string CommandText(params string[] args) => Encoding.UTF8.GetString(Command(args));
}
