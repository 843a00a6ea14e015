using FastNode.Protocol;
using FastNode.Server.Commands.Server;
using FastNode.Server.Scripting;

namespace FastNode.Server.Commands.Scripting;

/// <summary>SCRIPT LOAD, EXISTS, FLUSH, KILL, DEBUG and HELP, as Redis 7.0 answers them.</summary>
public static class ScriptCommands
{
    public static void Load(ref CommandContext ctx)
    {
        if (!ScriptEngine.Available)
        {
            ctx.Writer.WriteError(LuaLibrary.UnavailableError);
            return;
        }
        var body = ctx.Args[2];
        var sha = ScriptSha.Of(body);
        if (ctx.Server.Scripts.Load(body, sha, out var error) is null)
        {
            ctx.Writer.WriteError(error!);
            return;
        }
        Span<byte> hex = stackalloc byte[40];
        sha.Format(hex);
        ctx.Writer.WriteBulkString(hex);
    }

    public static void Exists(ref CommandContext ctx)
    {
        var engine = ScriptEngine.Available ? ctx.Server.ScriptsIfStarted : null;
        ctx.Writer.WriteArrayHeader(ctx.Args.Count - 2);
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            bool found = engine is not null && ScriptSha.TryParse(ctx.Args[i], out var sha) && engine.Exists(sha);
            ctx.Writer.WriteInteger(found ? 1 : 0);
        }
    }

    public static void Flush(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 3 || (ctx.Args.Count == 3 && !IsFlushMode(ctx.Args[2])))
        {
            ctx.Writer.WriteError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        if (ScriptEngine.Available) ctx.Server.ScriptsIfStarted?.FlushScripts();
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    internal static bool IsFlushMode(ReadOnlySpan<byte> arg) =>
        Ascii.EqualsIgnoreCase(arg, "ASYNC"u8) || Ascii.EqualsIgnoreCase(arg, "SYNC"u8);

    public static void Kill(ref CommandContext ctx) => WriteKill(ref ctx, function: false);

    /// <summary>SCRIPT KILL and FUNCTION KILL: OK once the running script is marked to stop, or why it cannot be.</summary>
    internal static void WriteKill(ref CommandContext ctx, bool function)
    {
        var error = ctx.Server.ScriptsIfStarted is { } engine ? engine.Kill(function) : ScriptEngine.NotBusy;
        if (error is null) ctx.Writer.WriteRaw(RespReplies.Ok);
        else ctx.Writer.WriteError(error);
    }

    /// <summary>
    /// The Lua debugger (ldb) is not available: NO is accepted, as it changes nothing; YES and SYNC are refused with an
    /// error rather than a debugging session the client would wait for.
    /// </summary>
    public static void Debug(ref CommandContext ctx)
    {
        var mode = ctx.Args[2];
        if (Ascii.EqualsIgnoreCase(mode, "NO"u8))
        {
            ctx.Writer.WriteRaw(RespReplies.Ok);
            return;
        }
        if (Ascii.EqualsIgnoreCase(mode, "YES"u8) || Ascii.EqualsIgnoreCase(mode, "SYNC"u8))
        {
            ctx.Writer.WriteError("ERR SCRIPT DEBUG is not supported: this server has no Lua debugger");
            return;
        }
        ctx.Writer.WriteError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
    }

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "SCRIPT",
    [
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed (FastNode has no debugger: only NO is accepted).",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
    ]);
}
