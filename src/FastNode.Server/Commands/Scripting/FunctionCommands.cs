using FastNode.Protocol;
using FastNode.Server.Commands.Server;
using FastNode.Server.Scripting;
using FastNode.Server.Text;

namespace FastNode.Server.Commands.Scripting;

/// <summary>FCALL, FCALL_RO and FUNCTION, as Redis 7.0 answers them (docs/scripting.md, Functions).</summary>
public static class FunctionCommands
{
    public static void FCall(ref CommandContext ctx) => Call(ref ctx, readOnly: false);

    public static void FCallRo(ref CommandContext ctx) => Call(ref ctx, readOnly: true);

    private static void Call(ref CommandContext ctx, bool readOnly)
    {
        if (!ScriptEngine.Available)
        {
            ctx.Writer.WriteError(LuaLibrary.UnavailableError);
            return;
        }
        if (!System.Buffers.Text.Utf8Parser.TryParse(ctx.Args[2], out long _, out int used) || used != ctx.Args[2].Length)
        {
            ctx.Writer.WriteError("ERR Bad number of keys provided");
            return;
        }
        if (!ScriptingCommands.TryNumKeys(ref ctx, 2, out int numKeys)) return;
        var engine = ctx.Server.Scripts;
        var function = engine.FindFunction(ctx.Args[1]);
        if (function is null)
        {
            ctx.Writer.WriteError("ERR Function not found");
            return;
        }
        if (readOnly && (function.Flags & ScriptFlags.NoWrites) == 0)
        {
            ctx.Writer.WriteError("ERR Can not execute a script with write flag using *_ro command.");
            return;
        }
        var keys = ctx.Args.Slice(3, numKeys);
        if (ScriptChecks.Refuse(ref ctx, function.Flags, keys, readOnly, out int slot) is { } refused)
        {
            ctx.Writer.WriteError(refused);
            return;
        }
        ScriptingCommands.RunLocked(ref ctx, engine, null, function, keys, ctx.Args.Skip(3 + numKeys), readOnly, slot);
    }

    public static void Load(ref CommandContext ctx)
    {
        if (!ScriptEngine.Available)
        {
            ctx.Writer.WriteError(LuaLibrary.UnavailableError);
            return;
        }
        bool replace = false;
        for (int i = 2; i < ctx.Args.Count - 1; i++)
        {
            if (!Ascii.EqualsIgnoreCase(ctx.Args[i], "REPLACE"u8))
            {
                ctx.Writer.WriteError("ERR Unknown option given: " + System.Text.Encoding.UTF8.GetString(ctx.Args[i]));
                return;
            }
            replace = true;
        }
        var name = ctx.Server.Scripts.LoadLibrary(ctx.Args[ctx.Args.Count - 1].ToArray(), replace, out var error);
        if (name is null) ctx.Writer.WriteError(error!);
        else ctx.Writer.WriteBulkString(name);
    }

    public static void Delete(ref CommandContext ctx)
    {
        if (ScriptEngine.Available && ctx.Server.ScriptsIfStarted is { } engine && engine.DeleteLibrary(ctx.Args[2]))
            ctx.Writer.WriteRaw(RespReplies.Ok);
        else ctx.Writer.WriteError("ERR Library not found");
    }

    public static void Flush(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError("ERR unknown subcommand or wrong number of arguments for '" + System.Text.Encoding.UTF8.GetString(ctx.Args[1]) + "'. Try FUNCTION HELP.");
            return;
        }
        if (ctx.Args.Count == 3 && !ScriptCommands.IsFlushMode(ctx.Args[2]))
        {
            ctx.Writer.WriteError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        if (ScriptEngine.Available) ctx.Server.ScriptsIfStarted?.FlushFunctions();
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Kill(ref CommandContext ctx) => ScriptCommands.WriteKill(ref ctx, function: true);

    /// <summary>FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: each library as a map (RESP3) or flat array (RESP2).</summary>
    public static void List(ref CommandContext ctx)
    {
        bool withCode = false;
        byte[]? pattern = null;
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            var arg = ctx.Args[i];
            if (Ascii.EqualsIgnoreCase(arg, "WITHCODE"u8) && !withCode) withCode = true;
            else if (Ascii.EqualsIgnoreCase(arg, "LIBRARYNAME"u8) && pattern is null)
            {
                if (i + 1 >= ctx.Args.Count)
                {
                    ctx.Writer.WriteError("ERR library name argument was not given");
                    return;
                }
                pattern = ctx.Args[++i].ToArray();
            }
            else
            {
                ctx.Writer.WriteError("ERR Unknown argument " + System.Text.Encoding.UTF8.GetString(arg));
                return;
            }
        }
        var libraries = ScriptEngine.Available && ctx.Server.ScriptsIfStarted is { } engine ? engine.Libraries() : [];
        if (pattern is not null)
            libraries.RemoveAll(library => !GlobMatcher.IsMatch(pattern, System.Text.Encoding.UTF8.GetBytes(library.Name), ignoreCase: true));
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(libraries.Count);
        foreach (var library in libraries)
        {
            w.WriteMapHeader(withCode ? 4 : 3);
            w.WriteBulkString("library_name"u8);
            w.WriteBulkString(library.Name);
            w.WriteBulkString("engine"u8);
            w.WriteBulkString("LUA"u8);
            w.WriteBulkString("functions"u8);
            w.WriteArrayHeader(library.Functions.Count);
            foreach (var function in library.Functions)
            {
                w.WriteMapHeader(3);
                w.WriteBulkString("name"u8);
                w.WriteBulkString(function.Name);
                w.WriteBulkString("description"u8);
                if (function.Description is null) w.WriteNullBulk();
                else w.WriteBulkString(function.Description);
                w.WriteBulkString("flags"u8);
                var names = new List<string>(ScriptFlagNames.Names(function.Flags));
                w.WriteSetHeader(names.Count);
                foreach (var name in names) w.WriteSimpleString(System.Text.Encoding.ASCII.GetBytes(name));
            }
            if (withCode)
            {
                w.WriteBulkString("library_code"u8);
                w.WriteBulkString(library.Code);
            }
        }
    }

    /// <summary>FUNCTION STATS: the running function (or nil) and the engines with their library and function counts.</summary>
    public static void Stats(ref CommandContext ctx)
    {
        var engine = ScriptEngine.Available ? ctx.Server.ScriptsIfStarted : null;
        ref var w = ref ctx.Writer;
        w.WriteMapHeader(2);
        w.WriteBulkString("running_script"u8);
        if (engine?.RunningFunction() is { } running)
        {
            w.WriteMapHeader(3);
            w.WriteBulkString("name"u8);
            w.WriteBulkString(running.Name);
            w.WriteBulkString("command"u8);
            w.WriteArrayHeader(running.Command.Length);
            foreach (var arg in running.Command) w.WriteBulkString(arg);
            w.WriteBulkString("duration_ms"u8);
            w.WriteInteger(running.DurationMs);
        }
        else w.WriteNullBulk();
        var (libraries, functions) = engine?.FunctionCounts() ?? (0, 0);
        w.WriteBulkString("engines"u8);
        w.WriteMapHeader(1);
        w.WriteBulkString("LUA"u8);
        w.WriteMapHeader(2);
        w.WriteBulkString("libraries_count"u8);
        w.WriteInteger(libraries);
        w.WriteBulkString("functions_count"u8);
        w.WriteInteger(functions);
    }

    /// <summary>FUNCTION DUMP: every library in one payload (<see cref="FunctionPayload"/>).</summary>
    public static void Dump(ref CommandContext ctx)
    {
        var libraries = ScriptEngine.Available && ctx.Server.ScriptsIfStarted is { } engine ? engine.Libraries() : [];
        ctx.Writer.WriteBulkString(FunctionPayload.Create(libraries));
    }

    /// <summary>FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]: all of the payload's libraries or none.</summary>
    public static void Restore(ref CommandContext ctx)
    {
        if (!ScriptEngine.Available)
        {
            ctx.Writer.WriteError(LuaLibrary.UnavailableError);
            return;
        }
        var policy = RestorePolicy.Append;
        if (ctx.Args.Count > 4)
        {
            ctx.Writer.WriteError("ERR unknown subcommand or wrong number of arguments for '" + System.Text.Encoding.UTF8.GetString(ctx.Args[1]) + "'. Try FUNCTION HELP.");
            return;
        }
        if (ctx.Args.Count == 4)
        {
            var arg = ctx.Args[3];
            if (Ascii.EqualsIgnoreCase(arg, "FLUSH"u8)) policy = RestorePolicy.Flush;
            else if (Ascii.EqualsIgnoreCase(arg, "REPLACE"u8)) policy = RestorePolicy.Replace;
            else if (!Ascii.EqualsIgnoreCase(arg, "APPEND"u8))
            {
                ctx.Writer.WriteError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                return;
            }
        }
        var codes = FunctionPayload.Read(ctx.Args[2], out var error);
        error ??= ctx.Server.Scripts.RestoreLibraries(codes!, policy);
        if (error is null) ctx.Writer.WriteRaw(RespReplies.Ok);
        else ctx.Writer.WriteError(error);
    }

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "FUNCTION",
    [
        "LOAD [REPLACE] <library code>",
        "    Load a library whose first line is '#!lua name=<library>'; REPLACE replaces a library of that name.",
        "DELETE <library name>",
        "    Delete a library and its functions.",
        "LIST [LIBRARYNAME <pattern>] [WITHCODE]",
        "    List the libraries (matching the pattern), their engine and functions, and their code with WITHCODE.",
        "STATS",
        "    Show the running function (name, command, duration in ms) or nil, and the engines' library counts.",
        "KILL",
        "    Stop the running function, if it has not written yet.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete every library.",
        "DUMP",
        "    Return every library as one payload for FUNCTION RESTORE.",
        "RESTORE <payload> [FLUSH|APPEND|REPLACE]",
        "    Load the libraries of a DUMP payload: FLUSH drops the existing ones first, APPEND (the default) fails on",
        "    a library name already in use, REPLACE replaces such libraries.",
    ]);
}
