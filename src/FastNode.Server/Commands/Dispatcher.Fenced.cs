namespace FastNode.Server.Commands;

public static partial class Dispatcher
{
    /// <summary>
    /// Runs the write that LOCK.FENCED wraps, after its own checks (the command, its arity, its keys' slot): as a write
    /// propagated on its own, with the shard locks the caller holds re-entered. Returns false (having written the
    /// error) when the arity is wrong.
    /// </summary>
    internal static bool RunFencedWrite(ref CommandContext ctx, CommandDef def, FastNode.Protocol.CommandArgs args)
    {
        if (def.Arity > 0 ? args.Count != def.Arity : args.Count < -def.Arity)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(def.FullName));
            return false;
        }
        var outer = ctx.Command;
        var outerArgs = ctx.Args;
        ctx.Args = args;
        ctx.Command = def;
        try
        {
            RunWrite(ref ctx, def, args);
        }
        finally
        {
            ctx.Args = outerArgs;
            ctx.Command = outer;
        }
        return true;
    }
}
