using FastNode.Server.Blocking;
using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.SortedSets;

/// <summary>Where ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE and ZRANGESTORE put their result.</summary>
internal static class SortedSetDestination
{
    /// <summary>
    /// Replaces whatever <paramref name="dst"/> holds (any type, TTL dropped) with <paramref name="result"/>, or deletes
    /// it when the result is null (empty), then serves the clients blocked on it, who may empty it again. Read the
    /// result's size for the reply before calling. Raises <paramref name="eventName"/> (or "del"). Call with the sources' shards still locked (they may be dst's).
    /// Returns whether dst changed (false only when the result is empty and dst did not exist).
    /// </summary>
    public static bool Store(ref CommandContext ctx, ReadOnlySpan<byte> dst, SortedSetValue? result, ReadOnlySpan<byte> eventName)
    {
        using var k = ctx.Open(dst, Lookup.Write);
        if (result is null || result.Count == 0)
        {
            if (!k.Delete()) return false;
            ctx.Notify(Ev.Generic, "del"u8, dst);
            return true;
        }
        k.Replace(ValueKind.SortedSet, result);
        ctx.Notify(Ev.SortedSet, eventName, dst);
        SortedSetWaiters.Wake(ctx.Db, in k, result, ctx.NowMs, ctx.Session.InExec);
        k.DeleteIfEmpty(result);
        return true;
    }
}
