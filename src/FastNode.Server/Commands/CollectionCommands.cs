using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands;

/// <summary>What the collection families share: their lengths (LLEN, HLEN, SCARD, ZCARD) and member removal (HDEL, SREM, ZREM).</summary>
internal static class CollectionCommands
{
    /// <summary>The size of the collection of <paramref name="kind"/> at argument 1: 0 for a missing key.</summary>
    public static void ReplyCount<T>(ref CommandContext ctx, ValueKind kind) where T : class, ICollectionValue
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var collection = k.Get<T>(kind, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else ctx.Writer.WriteInteger(collection?.Count ?? 0);
    }

    /// <summary>
    /// Removes the members named from argument 2 on from the collection of <paramref name="kind"/> at argument 1,
    /// deletes the key once it is empty (as Redis does), and replies with how many were removed.
    /// </summary>
    public static void RemoveMembers<T>(ref CommandContext ctx, ValueKind kind) where T : class, IMemberCollection
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var collection = k.Get<T>(kind, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        long removed = 0;
        for (int a = 2; collection is not null && a < ctx.Args.Count; a++)
        {
            if (!collection.Remove(ctx.Args[a])) continue;
            removed++;
            if (k.DeleteIfEmpty(collection)) break;
        }
        ctx.Writer.WriteInteger(removed);
    }
}
