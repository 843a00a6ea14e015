using FastNode.Protocol;

namespace FastNode.Server.Commands.Locks;

/// <summary>
/// LOCK.EPOCH epoch: raises the epoch of this server's fencing tokens to at least <c>epoch</c> (never lowers it) and
/// answers the epoch now in force. A primary writes it to its AOF and its replicas at every start and promotion, so a
/// replica promoted later, and a restart from the AOF, start above it; an operator may use it too (docs/locks.md).
/// </summary>
public static class LockEpochCommand
{
    public static void Epoch(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[1], out long epoch) || epoch < 0)
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        // An operator's typo must not use the epochs up: the largest one is refused here rather than reached.
        if (epoch > Storage.Locks.FencingTokens.MaxEpoch)
        {
            ctx.Writer.WriteError("ERR epoch must be between 0 and 32767"u8);
            return;
        }
        ctx.Server.FencingTokens.RaiseEpoch(epoch);
        ctx.Writer.WriteInteger(ctx.Server.FencingTokens.Epoch);
    }
}
