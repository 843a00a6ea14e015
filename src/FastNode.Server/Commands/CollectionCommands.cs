using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands;

/// <summary>What the collection families share: their lengths (LLEN, HLEN, SCARD, ZCARD) and member removal (HDEL, SREM, ZREM).</summary>
internal static class CollectionCommands
{
    /// <summary>The size of the collection of <paramref name="kind"/> at argument 1: 0 for a missing key.</summary>
    public static void ReplyCount<T>(ref CommandContext ctx, ValueKind kind) where T : class, ICollectionValue
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        int count;
        lock (shard.Lock)
        {
            var collection = TypedKeys.Read<T>(shard, hash, key, ctx.NowMs, kind, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            count = collection?.Count ?? 0;
        }
        ctx.Writer.WriteInteger(count);
    }

    /// <summary>
    /// Removes the members named from argument 2 on from the collection of <paramref name="kind"/> at argument 1,
    /// deletes the key once it is empty (as Redis does), and replies with how many were removed.
    /// </summary>
    public static void RemoveMembers<T>(ref CommandContext ctx, ValueKind kind) where T : class, IMemberCollection
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        long removed = 0;
        lock (shard.Lock)
        {
            var collection = TypedKeys.Write<T>(shard, hash, key, ctx.NowMs, kind, out int index, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            for (int a = 2; collection is not null && a < ctx.Args.Count; a++)
            {
                if (!collection.Remove(ctx.Args[a])) continue;
                removed++;
                if (collection.Count == 0)
                {
                    shard.Remove(index);
                    break;
                }
            }
        }
        ctx.Writer.WriteInteger(removed);
    }
}
