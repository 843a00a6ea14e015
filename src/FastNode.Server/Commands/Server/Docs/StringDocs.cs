namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the string, bitmap and hyperloglog groups.</summary>
public static class StringDocs
{
    private const string Expiration = "EX seconds=i|PX milliseconds=i|EXAT unix-time-seconds=t|PXAT unix-time-milliseconds=t";

    public static readonly CommandDoc[] All =
    [
        new("APPEND", "2.0.0", "O(1)", "Appends to the string at a key, creating it if needed.", "key value") { KeyFlags = "RW insert" },
        new("DECR", "1.0.0", "O(1)", "Decrements the integer at a key by one.", "key"),
        new("DECRBY", "1.0.0", "O(1)", "Decrements the integer at a key by an amount.", "key decrement=i"),
        new("GET", "1.0.0", "O(1)", "Returns the string at a key.", "key"),
        new("GETDEL", "6.2.0", "O(1)", "Returns the string at a key and deletes the key.", "key") { KeyFlags = "RW access delete" },
        new("GETEX", "6.2.0", "O(1)", "Returns the string at a key and changes or removes its time to live.",
            $"key [{Expiration}|PERSIST]{{expiration}}") { KeyFlags = "RW access update" },
        new("GETRANGE", "2.4.0", "O(N) where N is the length of the returned string", "Returns part of the string at a key.",
            "key start=i end=i"),
        new("GETSET", "1.0.0", "O(1)", "Sets the string at a key and returns the old one.", "key value") { KeyFlags = "RW access update" },
        new("INCR", "1.0.0", "O(1)", "Increments the integer at a key by one.", "key"),
        new("INCRBY", "1.0.0", "O(1)", "Increments the integer at a key by an amount.", "key increment=i"),
        new("INCRBYFLOAT", "2.6.0", "O(1)", "Increments the number at a key by a floating-point amount.", "key increment=d"),
        new("LCS", "7.0.0", "O(N*M) where N and M are the lengths of s1 and s2, respectively", "Finds the longest common subsequence of two strings.",
            "key1=k key2=k [LEN] [IDX] [MINMATCHLEN len=i] [WITHMATCHLEN]"),
        new("MGET", "1.0.0", "O(N) where N is the number of keys to retrieve", "Returns the strings at several keys.", "key ...")
            { Tips = "request_policy:multi_shard" },
        new("MSET", "1.0.1", "O(N) where N is the number of keys to set", "Sets several keys at once.", "(key value) ...")
            { KeyFlags = "OW update", Tips = "request_policy:multi_shard response_policy:all_succeeded" },
        new("MSETNX", "1.0.1", "O(N) where N is the number of keys to set", "Sets several keys at once, only if none of them exists.",
            "(key value) ...") { KeyFlags = "OW insert", Tips = "request_policy:multi_shard response_policy:agg_min" },
        new("PSETEX", "2.6.0", "O(1)", "Sets the string at a key with a time to live in milliseconds.", "key milliseconds=i value")
            { KeyFlags = "OW update" },
        new("SET", "1.0.0", "O(1)", "Sets the string at a key, with an optional condition and expiry.",
            $"key value [NX|XX]{{condition}} [GET] [{Expiration}|KEEPTTL]{{expiration}}") { KeyFlags = "RW access update variable_flags" },
        new("SETEX", "2.0.0", "O(1)", "Sets the string at a key with a time to live in seconds.", "key seconds=i value")
            { KeyFlags = "OW update" },
        new("SETNX", "1.0.0", "O(1)", "Sets the string at a key only if the key does not exist.", "key value") { KeyFlags = "OW insert" },
        new("SETRANGE", "2.2.0", "O(1), not counting the time taken to copy the new string in place", "Overwrites part of the string at a key.",
            "key offset=i value"),
        new("STRLEN", "2.2.0", "O(1)", "Returns the length of the string at a key.", "key"),
        new("SUBSTR", "1.0.0", "O(N) where N is the length of the returned string", "Returns part of the string at a key (old name of GETRANGE).",
            "key start=i end=i"),
        new("BITCOUNT", "2.6.0", "O(N)", "Counts the bits set to 1 in a string.", "key [start=i end=i [BYTE|BIT]]"),
        new("BITFIELD", "3.2.0", "O(1) for each subcommand specified", "Reads and writes integer fields of arbitrary width in a string.",
            "key [GET encoding offset=i|SET encoding offset=i value=i|INCRBY encoding offset=i increment=i|OVERFLOW (WRAP|SAT|FAIL)] ..."),
        new("BITFIELD_RO", "6.0.0", "O(1) for each subcommand specified", "Reads integer fields of arbitrary width in a string.",
            "key [GET encoding offset=i ...+]"),
        new("BITOP", "2.6.0", "O(N)", "Combines strings bit by bit and stores the result.", "operation destkey=k key ..."),
        new("BITPOS", "2.8.7", "O(N)", "Finds the first bit set to 0 or 1 in a string.", "key bit=i [start=i [end=i [BYTE|BIT]]]"),
        new("GETBIT", "2.2.0", "O(1)", "Returns the bit at an offset of a string.", "key offset=i"),
        new("SETBIT", "2.2.0", "O(1)", "Sets or clears the bit at an offset of a string.", "key offset=i value=i"),
        new("PFADD", "2.8.9", "O(1) to add every element.", "Adds elements to a HyperLogLog.", "key [element ...]") { KeyFlags = "RW insert" },
        new("PFCOUNT", "2.8.9", "O(1) with a very small average constant time when called with a single key", "Estimates the number of distinct elements.",
            "key ..."),
        new("PFMERGE", "2.8.9", "O(N) to merge N HyperLogLogs", "Merges HyperLogLogs into one.", "destkey=k [sourcekey=k ...]"),
        new("PFDEBUG", "2.8.9", "N/A", "Internal commands for debugging HyperLogLog values.", "subcommand key"),
        new("PFSELFTEST", "2.8.9", "N/A", "An internal command for testing HyperLogLog values.", ""),
    ];
}
