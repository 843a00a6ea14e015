namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the sorted-set group.</summary>
public static class SortedSetDocs
{
    private const string Combine = "[WEIGHTS weight=i ...] [AGGREGATE (SUM|MIN|MAX)]";
    private const string Limit = "[LIMIT offset=i count=i]";
    private const string Scan = "O(1) for every call. O(N) for a complete iteration";
    private const string LogN = "O(log(N))";
    private const string RangeCost = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.";

    public static readonly CommandDoc[] All =
    [
        new("BZMPOP", "7.0.0", "O(K) + O(M*log(N))", "Pops members with the lowest or highest scores from the first non-empty sorted set, blocking while all are empty.",
            "timeout=d numkeys=i key ... (MIN|MAX) [COUNT count=i]"),
        new("BZPOPMAX", "5.0.0", LogN, "Pops the member with the highest score, blocking while all sorted sets are empty.", "key ... timeout=d"),
        new("BZPOPMIN", "5.0.0", LogN, "Pops the member with the lowest score, blocking while all sorted sets are empty.", "key ... timeout=d"),
        new("ZADD", "1.2.0", "O(log(N)) for each item added", "Adds members with scores, or updates their scores.",
            "key [NX|XX]{condition} [GT|LT]{comparison} [CH] [INCR] (score=d member){data} ..."),
        new("ZCARD", "1.2.0", "O(1)", "Returns the number of members of a sorted set.", "key"),
        new("ZCOUNT", "2.0.0", LogN, "Counts the members with scores within a range.", "key min=d max=d"),
        new("ZDIFF", "6.2.0", "O(L + (N-K)log(N)) worst case", "Returns the difference of sorted sets.", "numkeys=i key ... [WITHSCORES]"),
        new("ZDIFFSTORE", "6.2.0", "O(L + (N-K)log(N)) worst case", "Stores the difference of sorted sets.", "destination=k numkeys=i key ..."),
        new("ZINCRBY", "1.2.0", LogN, "Increments the score of a member.", "key increment=d member"),
        new("ZINTER", "6.2.0", "O(N*K)+O(M*log(M)) worst case", "Returns the intersection of sorted sets.", $"numkeys=i key ... {Combine} [WITHSCORES]"),
        new("ZINTERCARD", "7.0.0", "O(N*K) worst case", "Counts the members of the intersection of sorted sets.", "numkeys=i key ... [LIMIT limit=i]"),
        new("ZINTERSTORE", "2.0.0", "O(N*K)+O(M*log(M)) worst case", "Stores the intersection of sorted sets.", $"destination=k numkeys=i key ... {Combine}"),
        new("ZLEXCOUNT", "2.8.9", LogN, "Counts the members within a lexicographical range.", "key min max"),
        new("ZMPOP", "7.0.0", "O(K) + O(M*log(N))", "Pops members with the lowest or highest scores from the first non-empty sorted set.",
            "numkeys=i key ... (MIN|MAX) [COUNT count=i]"),
        new("ZMSCORE", "6.2.0", "O(N) where N is the number of members being requested.", "Returns the scores of several members.", "key member ..."),
        new("ZPOPMAX", "5.0.0", "O(log(N)*M)", "Pops the members with the highest scores.", "key [count=i]"),
        new("ZPOPMIN", "5.0.0", "O(log(N)*M)", "Pops the members with the lowest scores.", "key [count=i]"),
        new("ZRANDMEMBER", "6.2.0", "O(N) where N is the number of members returned", "Returns random members of a sorted set.",
            "key [count=i [WITHSCORES]]") { Tips = "nondeterministic_output" },
        new("ZRANGE", "1.2.0", RangeCost, "Returns members within a range of ranks, scores or names.",
            $"key start stop [BYSCORE|BYLEX] [REV] {Limit} [WITHSCORES]"),
        new("ZRANGEBYLEX", "2.8.9", RangeCost, "Returns members within a lexicographical range.", $"key min max {Limit}"),
        new("ZRANGEBYSCORE", "1.0.5", RangeCost, "Returns members within a range of scores.", $"key min=d max=d [WITHSCORES] {Limit}"),
        new("ZRANGESTORE", "6.2.0", "O(log(N)+M)", "Stores members within a range of ranks, scores or names.",
            $"dst=k src=k min max [BYSCORE|BYLEX] [REV] {Limit}"),
        new("ZRANK", "2.0.0", LogN, "Returns the rank of a member, lowest score first.", "key member"),
        new("ZREM", "1.2.0", "O(M*log(N))", "Removes members from a sorted set.", "key member ..."),
        new("ZREMRANGEBYLEX", "2.8.9", "O(log(N)+M)", "Removes members within a lexicographical range.", "key min max"),
        new("ZREMRANGEBYRANK", "2.0.0", "O(log(N)+M)", "Removes members within a range of ranks.", "key start=i stop=i"),
        new("ZREMRANGEBYSCORE", "1.2.0", "O(log(N)+M)", "Removes members within a range of scores.", "key min=d max=d"),
        new("ZREVRANGE", "1.2.0", RangeCost, "Returns members within a range of ranks, highest score first.", "key start=i stop=i [WITHSCORES]"),
        new("ZREVRANGEBYLEX", "2.8.9", RangeCost, "Returns members within a lexicographical range, in reverse order.", $"key max min {Limit}"),
        new("ZREVRANGEBYSCORE", "2.2.0", RangeCost, "Returns members within a range of scores, highest first.", $"key max=d min=d [WITHSCORES] {Limit}"),
        new("ZREVRANK", "2.0.0", LogN, "Returns the rank of a member, highest score first.", "key member"),
        new("ZSCAN", "2.8.0", Scan, "Iterates over the members and scores of a sorted set.", "key cursor=i [MATCH pattern=p] [COUNT count=i]")
            { Tips = "nondeterministic_output" },
        new("ZSCORE", "1.2.0", "O(1)", "Returns the score of a member.", "key member"),
        new("ZUNION", "6.2.0", "O(N)+O(M*log(M))", "Returns the union of sorted sets.", $"numkeys=i key ... {Combine} [WITHSCORES]"),
        new("ZUNIONSTORE", "2.0.0", "O(N)+O(M log(M))", "Stores the union of sorted sets.", $"destination=k numkeys=i key ... {Combine}"),
    ];
}
