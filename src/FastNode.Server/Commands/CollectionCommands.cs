using FastNode.Protocol;
using FastNode.Server.Storage;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
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
    /// deletes the key once it is empty (as Redis does), and replies with how many were removed. Raises
    /// <paramref name="eventName"/> when any went (and "del" when the key did).
    /// </summary>
    public static void RemoveMembers<T>(ref CommandContext ctx, ValueKind kind, Ev eventClass,
        ReadOnlySpan<byte> eventName) where T : class, IMemberCollection
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var collection = k.Get<T>(kind, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        long removed = 0;
        bool deleted = false;
        for (int a = 2; collection is not null && a < ctx.Args.Count; a++)
        {
            if (!collection.Remove(ctx.Args[a])) continue;
            removed++;
            if (deleted = k.DeleteIfEmpty(collection)) break;
        }
        if (removed > 0) ctx.Notify(eventClass, eventName, ctx.Args[1]);
        if (deleted) ctx.Notify(Ev.Generic, "del"u8, ctx.Args[1]);
        ctx.Writer.WriteInteger(removed);
    }
}
