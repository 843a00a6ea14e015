namespace FastNode.Server.Commands.Server;

/// <summary>
/// The HELP subcommand reply shape Redis uses (addReplyHelp): a header line, the given lines, then HELP itself,
/// each as a simple string. The texts are FastNode's own.
/// </summary>
public static class HelpText
{
    public static void Write(ref CommandContext ctx, string command, string[] lines)
    {
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(lines.Length + 3);
        w.WriteSimpleString(System.Text.Encoding.UTF8.GetBytes($"{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
        foreach (var line in lines) w.WriteSimpleString(System.Text.Encoding.UTF8.GetBytes(line));
        w.WriteSimpleString("HELP"u8);
        w.WriteSimpleString("    Print this help."u8);
    }
}
