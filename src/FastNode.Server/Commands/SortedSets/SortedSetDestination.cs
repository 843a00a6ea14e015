using FastNode.Server.Blocking;
using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>Where ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE and ZRANGESTORE put their result.</summary>
internal static class SortedSetDestination
{
    /// <summary>
    /// Replaces whatever <paramref name="dst"/> holds (any type, TTL dropped) with <paramref name="result"/>, or deletes
    /// it when the result is null (empty), then serves the clients blocked on it, who may empty it again. Read the
    /// result's size for the reply before calling. Call with the sources' shards still locked (they may be dst's).
    /// </summary>
    public static void Store(ref CommandContext ctx, ReadOnlySpan<byte> dst, SortedSetValue? result)
    {
        using var k = ctx.Open(dst, Lookup.Write);
        if (result is null || result.Count == 0)
        {
            k.Delete();
            return;
        }
        k.Replace(ValueKind.SortedSet, result);
        SortedSetWaiters.Wake(ctx.Db, in k, result, ctx.NowMs, ctx.Session.InExec);
        k.DeleteIfEmpty(result);
    }
}
