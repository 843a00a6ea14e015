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

    /// <summary>EXPIRE family: an option other than NX/XX/GT/LT.</summary>
    public static string UnsupportedOption(ReadOnlySpan<byte> option) => $"ERR Unsupported option {Text(option)}";

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    // connection and server administration
    public static string HelloSyntax(ReadOnlySpan<byte> option) => $"ERR Syntax error in HELLO option '{Text(option)}'";

    public static string UnknownClientType(ReadOnlySpan<byte> type) => $"ERR Unknown client type '{Text(type)}'";

    public static string NoSuchUser(ReadOnlySpan<byte> user) => $"ERR No such user '{Text(user)}'";

    /// <summary>Redis's addReplySubcommandSyntaxError (DEBUG, SLOWLOG...): bad subcommand or wrong argument count.</summary>
    public static string SubcommandSyntax(ReadOnlySpan<byte> command, ReadOnlySpan<byte> subcommand) =>
        $"ERR unknown subcommand or wrong number of arguments for '{Truncate(subcommand, 128)}'. Try {Text(command).ToUpperInvariant()} HELP.";

    private static string Truncate(ReadOnlySpan<byte> bytes, int max) =>
        Encoding.UTF8.GetString(bytes.Length > max ? bytes.Slice(0, Math.Max(0, max)) : bytes);
}
