namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the generic (keyspace) group, transactions included.</summary>
public static class GenericDocs
{
    private const string ExpireCondition = "[NX|XX|GT|LT]{condition}";

    public static readonly CommandDoc[] All =
    [
        new("COPY", "6.2.0", "O(N) worst case for collections, where N is the number of nested items", "Copies the value of a key to another key.",
            "source=k destination=k [DB destination-db=i] [REPLACE]"),
        new("DEL", "1.0.0", "O(N) where N is the number of keys that will be removed", "Deletes keys.", "key ...")
            { Tips = "request_policy:multi_shard response_policy:agg_sum", KeyFlags = "RM delete" },
        new("DUMP", "2.6.0", "O(1) to access the key and additional O(N*M) to serialize it", "Serializes the value of a key.", "key")
            { Tips = "nondeterministic_output" },
        new("EXISTS", "1.0.0", "O(N) where N is the number of keys to check", "Counts how many of the given keys exist.", "key ...")
            { Tips = "request_policy:multi_shard response_policy:agg_sum", KeyFlags = "RO" },
        new("EXPIRE", "1.0.0", "O(1)", "Sets a key's time to live in seconds.", "key seconds=i " + ExpireCondition),
        new("EXPIREAT", "1.2.0", "O(1)", "Sets a key's expiry as a Unix time in seconds.", "key unix-time-seconds=t " + ExpireCondition),
        new("EXPIRETIME", "7.0.0", "O(1)", "Returns a key's expiry as a Unix time in seconds.", "key"),
        new("KEYS", "1.0.0", "O(N) with N being the number of keys in the database", "Returns the keys matching a pattern.", "pattern=p")
            { Tips = "request_policy:all_shards nondeterministic_output_order", Acl = "@dangerous" },
        new("MIGRATE", "2.6.0", "O(N) in the size of the values moved: a DUMP and DEL here, a RESTORE on the target",
            "Moves keys to another server by DUMP and RESTORE.",
            "host port=i key destination-db=i timeout=i [COPY] [REPLACE] [AUTH password|AUTH2 username password]{authentication} [KEYS key ...]")
            { Acl = "@dangerous", Tips = "nondeterministic_output", KeyFlags = "RW access delete" },
        new("MOVE", "1.0.0", "O(1)", "Moves a key to another database.", "key db=i"),
        new("OBJECT", "2.2.3", "Depends on subcommand.", "Container for the commands that inspect a value's internals.", ""),
        new("OBJECT ENCODING", "2.2.3", "O(1)", "Returns the internal encoding of a value.", "key") { Tips = "nondeterministic_output" },
        new("OBJECT FREQ", "4.0.0", "O(1)", "Returns the access frequency counter of a key (LFU policies).", "key") { Tips = "nondeterministic_output" },
        new("OBJECT HELP", "6.2.0", "O(1)", "Lists the OBJECT subcommands.", ""),
        new("OBJECT IDLETIME", "2.2.3", "O(1)", "Returns the seconds since a key was last accessed.", "key") { Tips = "nondeterministic_output" },
        new("OBJECT REFCOUNT", "2.2.3", "O(1)", "Returns the reference count of a value.", "key") { Tips = "nondeterministic_output" },
        new("PERSIST", "2.2.0", "O(1)", "Removes a key's time to live.", "key"),
        new("PEXPIRE", "2.6.0", "O(1)", "Sets a key's time to live in milliseconds.", "key milliseconds=i " + ExpireCondition),
        new("PEXPIREAT", "2.6.0", "O(1)", "Sets a key's expiry as a Unix time in milliseconds.", "key unix-time-milliseconds=t " + ExpireCondition),
        new("PEXPIRETIME", "7.0.0", "O(1)", "Returns a key's expiry as a Unix time in milliseconds.", "key"),
        new("PTTL", "2.6.0", "O(1)", "Returns a key's time to live in milliseconds.", "key") { Tips = "nondeterministic_output" },
        new("RANDOMKEY", "1.0.0", "O(1)", "Returns a random key of the database.", "")
            { Tips = "request_policy:all_shards nondeterministic_output" },
        new("RENAME", "1.0.0", "O(1)", "Renames a key, replacing any key of the new name.", "key newkey=k"),
        new("RENAMENX", "1.0.0", "O(1)", "Renames a key unless the new name already exists.", "key newkey=k"),
        new("RESTORE", "2.6.0", "O(1) to create the key and additional O(N*M) to reconstruct the value", "Creates a key from a DUMP payload.",
            "key ttl=i serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds=i] [FREQ frequency=i]") { Acl = "@dangerous", KeyFlags = "OW update" },
        new("SCAN", "2.8.0", "O(1) for every call. O(N) for a complete iteration", "Iterates over the keys of the database.",
            "cursor=i [MATCH pattern=p] [COUNT count=i] [TYPE type]") { Tips = "nondeterministic_output request_policy:special" },
        new("SORT", "1.0.0", "O(N+M*log(M))", "Sorts the elements of a list, set or sorted set, optionally storing the result.",
            "key [BY pattern=p] [LIMIT offset=i count=i] [GET pattern=p ...+] [ASC|DESC] [ALPHA] [STORE destination=k]"),
        new("SORT_RO", "7.0.0", "O(N+M*log(M))", "Sorts the elements of a list, set or sorted set.",
            "key [BY pattern=p] [LIMIT offset=i count=i] [GET pattern=p ...+] [ASC|DESC] [ALPHA]"),
        new("TOUCH", "3.2.1", "O(N) where N is the number of keys that will be touched", "Updates the last access time of keys.", "key ...")
            { Tips = "request_policy:multi_shard response_policy:agg_sum" },
        new("TTL", "1.0.0", "O(1)", "Returns a key's time to live in seconds.", "key") { Tips = "nondeterministic_output" },
        new("TYPE", "1.0.0", "O(1)", "Returns the type of the value at a key.", "key"),
        new("UNLINK", "4.0.0", "O(1) for each key removed", "Deletes keys (memory is reclaimed in the background).", "key ...")
            { Tips = "request_policy:multi_shard response_policy:agg_sum", KeyFlags = "RM delete" },
        new("DISCARD", "2.0.0", "O(N), when N is the number of queued commands", "Drops the commands queued since MULTI.", ""),
        new("EXEC", "1.2.0", "Depends on commands in the transaction", "Runs the commands queued since MULTI.", ""),
        new("MULTI", "1.2.0", "O(1)", "Starts a transaction.", ""),
        new("UNWATCH", "2.2.0", "O(1)", "Forgets every key watched by this connection.", ""),
        new("WATCH", "2.2.0", "O(1) for every key", "Makes the next EXEC fail if any of the keys changes.", "key ..."),
    ];
}
