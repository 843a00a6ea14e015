using System.Text;
using FastNode.Protocol;

namespace FastNode.Server.Commands;

/// <summary>Error replies that embed a name or an argument. Cold path: these build strings.</summary>
public static class ErrorText
{
    public static string WrongArity(string fullName) => $"ERR wrong number of arguments for '{fullName}' command";

    /// <summary>Redis 7: "unknown command 'x', with args beginning with: 'a' 'b' " (each quoted, about 128 chars in all).</summary>
    public static string UnknownCommand(CommandArgs args)
    {
        var sb = new StringBuilder();
        for (int i = 1; i < args.Count && sb.Length < 128; i++)
        {
            sb.Append('\'').Append(Truncate(args[i], 128 - sb.Length)).Append("' ");
        }
        return $"ERR unknown command '{Truncate(args[0], 128)}', with args beginning with: {sb}";
    }

    public static string UnknownSubcommand(CommandArgs args) =>
        $"ERR unknown subcommand '{Truncate(args[1], 128)}'. Try {Encoding.UTF8.GetString(args[0]).ToUpperInvariant()} HELP.";

    public static string InvalidExpireTime(string command) => $"ERR invalid expire time in '{command}' command";

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static string Truncate(ReadOnlySpan<byte> bytes, int max) =>
        Encoding.UTF8.GetString(bytes.Length > max ? bytes.Slice(0, Math.Max(0, max)) : bytes);
}
