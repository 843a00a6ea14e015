using System.Globalization;
using System.Text;
using FastNode.Server.Persistence.Rdb;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;
using FastNode.Server.Storage.Lists;
using FastNode.Server.Storage.Locks;
using FastNode.Server.Storage.RateLimit;
using FastNode.Server.Storage.Sets;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Tests.Rdb;

/// <summary>
/// Every key of a server as canonical text ("db key" -> "type ttl value"), walking the shards directly, so two servers
/// can be compared exactly: collections in a fixed order, scores round-trip formatted, limiter fields as Unix ns.
/// </summary>
public static class DatasetDescription
{
    public static SortedDictionary<string, string> Of(ServerState server)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var clock = RdbClock.Of(server);
        for (int db = 0; db < server.DatabaseCount; db++)
        {
            var database = server.Database(db);
            for (int s = 0; s < database.ShardCount; s++)
            {
                var shard = database.ShardAt(s);
                lock (shard.Lock)
                {
                    for (int i = 0; i < shard.SlotCount; i++)
                    {
                        ref var e = ref shard.At(i);
                        if (e.Key is null) continue;
                        result[$"{db} {Hex(e.Key)}"] = $"{e.Kind} {e.ExpireAt} {Value(e, clock)}";
                    }
                }
            }
        }
        return result;
    }

    private static string Value(in Entry e, in RdbClock clock)
    {
        switch (e.Value)
        {
            case HashValue h:
            {
                var pairs = new List<string>();
                for (int p = h.First(); p >= 0; p = h.Next(p)) pairs.Add(Hex(h.FieldAt(p)) + "=" + Hex(h.ValueAt(p)));
                pairs.Sort(StringComparer.Ordinal);
                return string.Join(",", pairs);
            }
            case ListValue l:
            {
                var items = new List<string>();
                var w = l.Walk(0, l.Count);
                while (w.Next(out var item)) items.Add(Hex(item));
                return string.Join(",", items);
            }
            case SetValue set:
            {
                var members = new List<string>();
                Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
                for (int p = set.First(); p >= 0; p = set.Next(p)) members.Add(Hex(set.MemberAt(p, scratch)));
                members.Sort(StringComparer.Ordinal);
                return string.Join(",", members);
            }
            case SortedSetValue z:
            {
                var sb = new StringBuilder();
                for (var p = z.AtRank(0); p.IsValid; p = z.Next(p))
                    sb.Append(Hex(z.MemberAt(p))).Append('=').Append(z.ScoreAt(p).ToString("R", CultureInfo.InvariantCulture)).Append(',');
                return sb.ToString();
            }
            case RateLimiterState limiter:
            {
                var fields = new List<long>();
                limiter.Export(fields, clock.ToUnixNs);
                return limiter.Algorithm + ":" + string.Join(",", fields);
            }
            case LockState lockState:
            {
                var holders = new List<string>();
                for (int j = 0; j < lockState.HolderCount; j++)
                {
                    ref readonly var h = ref lockState.Holder(j);
                    holders.Add($"{Hex(h.OwnerSpan)}/{h.Token}/{h.Deadline}");
                }
                holders.Sort(StringComparer.Ordinal);
                return $"{(lockState.IsSemaphore ? "sem" : "lock")}:{lockState.Permits}:{string.Join(",", holders)}";
            }
            default:
                return e.IsString ? Hex(e.StringSpan) : "?";
        }
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
