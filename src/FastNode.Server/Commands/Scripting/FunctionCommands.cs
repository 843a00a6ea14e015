using FastNode.Protocol;

namespace FastNode.Server.Commands.Scripting;

/// <summary>FCALL, FCALL_RO and FUNCTION.</summary>
public static class FunctionCommands
{
    public static void FCall(ref CommandContext ctx) => ctx.Writer.WriteError("ERR Function not found");
    public static void FCallRo(ref CommandContext ctx) => ctx.Writer.WriteError("ERR Function not found");
    public static void Delete(ref CommandContext ctx) => ctx.Writer.WriteError("ERR Library not found");
    public static void Dump(ref CommandContext ctx) => ctx.Writer.WriteError("ERR not yet");
    public static void Flush(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError("ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.");
            return;
        }
        if (ctx.Args.Count == 3 && !ScriptCommands.IsFlushMode(ctx.Args[2]))
        {
            ctx.Writer.WriteError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Help(ref CommandContext ctx) => ctx.Writer.WriteArrayHeader(0);
    public static void Kill(ref CommandContext ctx) => ScriptCommands.WriteKill(ref ctx, function: true);
    public static void List(ref CommandContext ctx) => ctx.Writer.WriteArrayHeader(0);
    public static void Load(ref CommandContext ctx) => ctx.Writer.WriteError("ERR not yet");
    public static void Restore(ref CommandContext ctx) => ctx.Writer.WriteError("ERR not yet");
    public static void Stats(ref CommandContext ctx) => ctx.Writer.WriteError("ERR not yet");
}
