using System.Buffers.Text;
using FastNode.Protocol;
using FastNode.Server.Scripting;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Scripting;

/// <summary>
/// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (docs/scripting.md). A script runs as EXEC runs its queue: inside the
/// write gate and every shard lock of the client's database, so no other client's command interleaves with it, and
/// its writes reach the change feed as the commands it ran, wrapped in MULTI/EXEC; the script itself is not propagated.
/// </summary>
public static class ScriptingCommands
{
    public const string NoScript = "NOSCRIPT No matching script. Please use EVAL.";

    public static void Eval(ref CommandContext ctx) => Run(ref ctx, bySha: false, readOnly: false);

    public static void EvalSha(ref CommandContext ctx) => Run(ref ctx, bySha: true, readOnly: false);

    public static void EvalRo(ref CommandContext ctx) => Run(ref ctx, bySha: false, readOnly: true);

    public static void EvalShaRo(ref CommandContext ctx) => Run(ref ctx, bySha: true, readOnly: true);

    private static void Run(ref CommandContext ctx, bool bySha, bool readOnly)
    {
        if (!ScriptEngine.Available)
        {
            ctx.Writer.WriteError(LuaLibrary.UnavailableError);
            return;
        }
        if (!TryNumKeys(ref ctx, 2, out int numKeys)) return;
        var engine = ctx.Server.Scripts;
        CachedScript? script;
        if (bySha)
        {
            script = ScriptSha.TryParse(ctx.Args[1], out var sha) ? engine.Find(sha) : null;
            if (script is null)
            {
                ctx.Writer.WriteError(NoScript);
                return;
            }
        }
        else
        {
            var sha = ScriptSha.Of(ctx.Args[1]);
            string? error = null;
            script = engine.Find(sha) ?? engine.Load(ctx.Args[1], sha, out error);
            if (script is null)
            {
                ctx.Writer.WriteError(error!);
                return;
            }
        }
        var keys = ctx.Args.Slice(3, numKeys);
        if (ScriptChecks.Refuse(ref ctx, script.Flags, keys, readOnly, out int slot) is { } refused)
        {
            ctx.Writer.WriteError(refused);
            return;
        }
        RunLocked(ref ctx, engine, script, null, keys, ctx.Args.Skip(3 + numKeys), readOnly, slot);
    }

    /// <summary>
    /// Runs the script (or function) holding the write gate and every shard lock of the database, as EXEC does. First it claims the
    /// engine, so that commands arriving from now on wait or get -BUSY instead of queueing on those locks, then waits
    /// for the batches that were already past that check (inside EXEC, which holds the locks already, nothing can be).
    /// </summary>
    internal static void RunLocked(ref CommandContext ctx, ScriptEngine engine, CachedScript? script, LibraryFunction? function, CommandArgs keys, CommandArgs argv, bool readOnly, int slot)
    {
        while (!engine.TryClaim(ctx.Session))
        {
            if (Dispatcher.WaitForScript(ref ctx, engine) is { } busy)
            {
                ctx.Writer.WriteError(busy);
                return;
            }
        }
        try
        {
            if (!ctx.Session.InExec)
            {
                ctx.LeaveWriteGate();
                ctx.Server.CommandsInFlight.WaitForOthers();
            }
            ctx.EnterWriteGate();
            var db = ctx.Db;
            Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
            var locks = new MultiShardLock(db, bits);
            locks.AddAll();
            locks.EnterAll();
            try
            {
                if (function is not null) engine.RunFunction(ref ctx, function, keys, argv, readOnly, slot);
                else engine.RunScript(ref ctx, script!, keys, argv, readOnly, slot);
                Blocking.ListBlocking.ServeReady(lockHeld: true);
            }
            finally
            {
                locks.ExitAll();
            }
        }
        finally
        {
            engine.Release();
        }
        Blocking.ListBlocking.ServeReady(lockHeld: false);
    }

    /// <summary>numkeys at <paramref name="index"/>: an integer, not negative, and at most the arguments that follow.</summary>
    internal static bool TryNumKeys(ref CommandContext ctx, int index, out int numKeys)
    {
        numKeys = 0;
        if (!Utf8Parser.TryParse(ctx.Args[index], out long value, out int used) || used != ctx.Args[index].Length)
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return false;
        }
        if (value > ctx.Args.Count - index - 1)
        {
            ctx.Writer.WriteError("ERR Number of keys can't be greater than number of args");
            return false;
        }
        if (value < 0)
        {
            ctx.Writer.WriteError("ERR Number of keys can't be negative");
            return false;
        }
        numKeys = (int)value;
        return true;
    }
}
