using System.Diagnostics;
using FastNode.Protocol;

namespace FastNode.Server.Commands;

/// <summary>
/// Runs one parsed command: finds it, then checks existence, arity and auth in Redis's order
/// (processCommand) before the handler runs, so handlers never re-check arity.
/// </summary>
public static class Dispatcher
{
    public static void Execute(ref CommandContext ctx, CommandArgs args)
    {
        ctx.Reset(args);
        var session = ctx.Session;
        var def = ctx.Server.Commands.Lookup.Find(args[0]);
        if (def is null)
        {
            ctx.Writer.WriteError(ErrorText.UnknownCommand(args));
            return;
        }

        if (def.SubcommandLookup is not null && args.Count >= 2)
        {
            var sub = def.SubcommandLookup.Find(args[1]);
            if (sub is null)
            {
                ctx.Writer.WriteError(ErrorText.UnknownSubcommand(args));
                return;
            }
            def = sub;
        }

        if (def.Arity > 0 ? args.Count != def.Arity : args.Count < -def.Arity)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(def.FullName));
            return;
        }

        if (!session.Authenticated && (def.Flags & CommandFlags.NoAuth) == 0 && ctx.Server.Options.RequirePass.Length > 0)
        {
            ctx.Writer.WriteError(RespErrors.NoAuth);
            return;
        }

        ctx.Command = def;
        session.CommandsProcessed++;
        int errorsBefore = ctx.Writer.Errors;
        long writtenBefore = ctx.Writer.Written;
        long started = Stopwatch.GetTimestamp();
        def.Handler!(ref ctx);
        long elapsed = Stopwatch.GetTimestamp() - started;
        Debug.Assert(ctx.Writer.Written > writtenBefore || session.ReplyMode != Sessions.ReplyMode.On || def.Flags.HasFlag(CommandFlags.NoReply),
            $"{def.FullName} wrote no reply");

        Interlocked.Increment(ref def.Calls);
        Interlocked.Add(ref def.Microseconds, elapsed * 1_000_000 / Stopwatch.Frequency);
        if (ctx.Writer.Errors != errorsBefore) Interlocked.Increment(ref def.FailedCalls);
    }
}
