namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the server group and of the cluster commands a standalone server refuses.</summary>
public static class ServerDocs
{
    public static readonly CommandDoc[] All =
    [
        new("BGREWRITEAOF", "1.0.0", "O(1)", "Rewrites the append-only file in the background.", ""),
        new("BGSAVE", "1.0.0", "O(1)", "Saves a snapshot of the dataset (dump.rdb) in the background.", "[SCHEDULE]"),
        new("DBSIZE", "1.0.0", "O(1)", "Returns the number of keys in the current database.", "")
            { Acl = "@keyspace", Tips = "request_policy:all_shards response_policy:agg_sum" },
        new("DEBUG", "1.0.0", "Depends on subcommand.", "Debugging helpers (needs enable-debug-command).", ""),
        new("FLUSHALL", "1.0.0", "O(N) where N is the total number of keys in all databases", "Deletes every key of every database.",
            "[ASYNC|SYNC]") { Acl = "@keyspace @dangerous", Tips = "request_policy:all_shards response_policy:all_succeeded" },
        new("FLUSHDB", "1.0.0", "O(N) where N is the number of keys in the selected database", "Deletes every key of the current database.",
            "[ASYNC|SYNC]") { Acl = "@keyspace @dangerous", Tips = "request_policy:all_shards response_policy:all_succeeded" },
        new("INFO", "1.0.0", "O(1)", "Reports information and statistics about the server.", "[section ...]")
            { Acl = "@dangerous", Tips = "nondeterministic_output request_policy:all_shards response_policy:special" },
        new("LASTSAVE", "1.0.0", "O(1)", "Returns the Unix time of the last successful save.", "")
            { Acl = "@admin @dangerous", Tips = "nondeterministic_output" },
        new("LOLWUT", "5.0.0", "", "Draws a piece of computer art and shows the version.", "[VERSION version=i]"),
        new("ROLE", "2.8.12", "O(1)", "Returns the replication role of the server, with its replicas or its primary.", "") { Acl = "@admin @dangerous" },
        new("FAILOVER", "6.2.0", "O(N) where N is the number of replicas", "Hands the primary role to a replica without losing acknowledged writes.",
            "[TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds=i]") { Acl = "@admin @slow @dangerous" },
        new("PSYNC", "2.8.0", "O(1)", "Internal command used by replicas to continue or restart the replication stream.", "replicationid offset=i")
            { Acl = "@admin @slow @dangerous" },
        new("REPLCONF", "3.0.0", "O(1)", "Internal command used by replicas to configure and acknowledge the replication stream.", "")
            { Acl = "@admin @slow @dangerous" },
        new("REPLICAOF", "5.0.0", "O(1)", "Makes the server a replica of another one, or a primary again (NO ONE).", "host port")
            { Acl = "@admin @slow @dangerous" },
        new("SLAVEOF", "1.0.0", "O(1)", "Makes the server a replica of another one, or a primary again (NO ONE). Deprecated: use REPLICAOF.",
            "host port") { Acl = "@admin @slow @dangerous" },
        new("SYNC", "1.0.0", "O(1)", "Internal command used by replicas (before PSYNC) to get the whole dataset and the stream.", "")
            { Acl = "@admin @slow @dangerous" },
        new("SAVE", "1.0.0", "O(N) where N is the total number of keys in all databases", "Saves a snapshot of the dataset (dump.rdb), blocking the server.", ""),
        new("SHUTDOWN", "1.0.0", "O(N) when saving, where N is the total number of keys in all databases", "Stops the server.",
            "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]"),
        new("SWAPDB", "4.0.0", "O(N) where N is the count of clients watching or blocking on keys from both databases",
            "Exchanges the contents of two databases.", "index1=i index2=i") { Acl = "@keyspace @dangerous" },
        new("TIME", "2.6.0", "O(1)", "Returns the server time as seconds and microseconds.", "") { Tips = "nondeterministic_output" },
        new("WAIT", "3.0.0", "O(1)", "Waits for replicas to acknowledge the writes so far.", "numreplicas=i timeout=i")
            { Acl = "@connection", Tips = "request_policy:all_shards response_policy:agg_min" },
        new("COMMAND", "2.8.13", "O(N) where N is the total number of Redis commands", "Describes every command.", "")
            { Acl = "@connection", Tips = "nondeterministic_output_order" },
        new("COMMAND COUNT", "2.8.13", "O(1)", "Returns the number of commands.", "") { Acl = "@connection" },
        new("COMMAND DOCS", "7.0.0", "O(N) where N is the number of commands to look up", "Returns documentation about commands.",
            "[command-name ...]") { Acl = "@connection", Tips = "nondeterministic_output_order" },
        new("COMMAND GETKEYS", "2.8.13", "O(N) where N is the number of arguments to the command", "Extracts the keys of a full command line.",
            "") { Acl = "@connection" },
        new("COMMAND GETKEYSANDFLAGS", "7.0.0", "O(N) where N is the number of arguments to the command",
            "Extracts the keys of a full command line, with their access flags.", "") { Acl = "@connection" },
        new("COMMAND HELP", "5.0.0", "O(1)", "Lists the COMMAND subcommands.", "") { Acl = "@connection" },
        new("COMMAND INFO", "2.8.13", "O(N) where N is the number of commands to look up", "Describes the given commands.",
            "[command-name ...]") { Acl = "@connection", Tips = "nondeterministic_output_order" },
        new("COMMAND LIST", "7.0.0", "O(N) where N is the total number of Redis commands", "Returns the command names.",
            "[FILTERBY (MODULE module-name|ACLCAT category|PATTERN pattern=p)]") { Acl = "@connection", Tips = "nondeterministic_output_order" },
        new("CONFIG", "2.0.0", "Depends on subcommand.", "Container for the configuration commands.", ""),
        new("CONFIG GET", "2.0.0", "O(N) when N is the number of configuration parameters provided", "Returns the values of settings.", "parameter ..."),
        new("CONFIG HELP", "5.0.0", "O(1)", "Lists the CONFIG subcommands.", ""),
        new("CONFIG RESETSTAT", "2.0.0", "O(1)", "Zeroes the server statistics.", ""),
        new("CONFIG REWRITE", "2.8.0", "O(1)", "Rewrites the configuration file (not available).", ""),
        new("CONFIG SET", "2.0.0", "O(N) when N is the number of configuration parameters provided", "Changes settings, all or none.",
            "(parameter value) ...") { Tips = "request_policy:all_nodes response_policy:all_succeeded" },
        new("MEMORY", "4.0.0", "Depends on subcommand.", "Container for the memory diagnostics commands.", ""),
        new("MEMORY DOCTOR", "4.0.0", "O(1)", "Reports memory problems, if any.", "")
            { Tips = "nondeterministic_output request_policy:all_shards response_policy:special" },
        new("MEMORY HELP", "4.0.0", "O(1)", "Lists the MEMORY subcommands.", ""),
        new("MEMORY MALLOC-STATS", "4.0.0", "Depends on how much memory is allocated, could be slow", "Reports allocator statistics.", "")
            { Tips = "nondeterministic_output request_policy:all_shards response_policy:special" },
        new("MEMORY PURGE", "4.0.0", "Depends on how much memory is allocated, could be slow", "Asks the runtime to give memory back.", "")
            { Tips = "request_policy:all_shards response_policy:all_succeeded" },
        new("MEMORY STATS", "4.0.0", "O(1)", "Reports memory usage figures.", "")
            { Tips = "nondeterministic_output request_policy:all_shards response_policy:special" },
        new("MEMORY USAGE", "4.0.0", "O(N) where N is the number of samples.", "Estimates the memory a key and its value use.",
            "key [SAMPLES count=i]"),
        new("SLOWLOG", "2.2.12", "Depends on subcommand.", "Container for the slow log commands.", ""),
        new("SLOWLOG GET", "2.2.12", "O(N) where N is the number of entries returned", "Returns slow log entries (FastNode records none).",
            "[count=i]") { Tips = "request_policy:all_nodes nondeterministic_output" },
        new("SLOWLOG HELP", "6.2.0", "O(1)", "Lists the SLOWLOG subcommands.", ""),
        new("SLOWLOG LEN", "2.2.12", "O(1)", "Returns the number of slow log entries.", "")
            { Tips = "request_policy:all_nodes response_policy:agg_sum nondeterministic_output" },
        new("SLOWLOG RESET", "2.2.12", "O(N) where N is the number of entries in the slowlog", "Empties the slow log.", "")
            { Tips = "request_policy:all_nodes response_policy:all_succeeded" },
        new("READONLY", "3.0.0", "O(1)", "Allows reads from a cluster replica (cluster mode only).", "") { Acl = "@connection" },
        new("READWRITE", "3.0.0", "O(1)", "Ends READONLY (cluster mode only).", "") { Acl = "@connection" },
        new("ASKING", "3.0.0", "O(1)", "Signals that a cluster client is following an -ASK redirect.", "") { Acl = "@connection" },
        new("CLUSTER", "3.0.0", "Depends on subcommand.", "Container for the cluster commands (cluster mode is disabled).", ""),
        new("CLUSTER INFO", "3.0.0", "O(1)", "Reports the state of the cluster.", "") { Tips = "nondeterministic_output" },
        new("CLUSTER MYID", "3.0.0", "O(1)", "Returns the id of this node.", ""),
        new("CLUSTER NODES", "3.0.0", "O(N) where N is the total number of Cluster nodes", "Describes the cluster nodes.", "")
            { Tips = "nondeterministic_output" },
        new("CLUSTER SHARDS", "7.0.0", "O(N) where N is the total number of cluster nodes", "Describes the cluster shards.", "")
            { Tips = "nondeterministic_output" },
        new("CLUSTER SLOTS", "3.0.0", "O(N) where N is the total number of Cluster nodes", "Maps hash slots to nodes.", "")
            { Tips = "nondeterministic_output" },
        new("CLUSTER KEYSLOT", "3.0.0", "O(N) where N is the number of bytes in the key", "Returns the hash slot of a key.", "key=s"),
        new("CLUSTER COUNTKEYSINSLOT", "3.0.0", "O(1)", "Counts the keys in a hash slot.", "slot=i"),
        new("CLUSTER GETKEYSINSLOT", "3.0.0", "O(N) where N is the number of requested keys", "Returns keys of a hash slot.",
            "slot=i count=i") { Tips = "nondeterministic_output" },
        new("CLUSTER HELP", "5.0.0", "O(1)", "Lists the CLUSTER subcommands.", ""),
        new("CLUSTER ADDSLOTS", "3.0.0", "O(N) where N is the total number of hash slot arguments", "Assigns hash slots to this node.", "slot=i ..."),
        new("CLUSTER ADDSLOTSRANGE", "7.0.0", "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
            "Assigns ranges of hash slots to this node.", "(start-slot=i end-slot=i) ..."),
        new("CLUSTER DELSLOTS", "3.0.0", "O(N) where N is the total number of hash slot arguments", "Unassigns hash slots from this node.", "slot=i ..."),
        new("CLUSTER DELSLOTSRANGE", "7.0.0", "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
            "Unassigns ranges of hash slots from this node.", "(start-slot=i end-slot=i) ..."),
        new("CLUSTER FAILOVER", "3.0.0", "O(1)", "Makes this replica take over from its master.", "[FORCE|TAKEOVER]"),
        new("CLUSTER FLUSHSLOTS", "3.0.0", "O(1)", "Unassigns every hash slot from this node.", ""),
        new("CLUSTER FORGET", "3.0.0", "O(1)", "Removes a node from this node's view of the cluster.", "node-id"),
        new("CLUSTER MEET", "3.0.0", "O(1)", "Connects this node to another cluster node.", "ip port=i [cluster_bus_port=i]"),
        new("CLUSTER REPLICATE", "3.0.0", "O(1)", "Makes this node a replica of a master.", "node-id"),
        new("CLUSTER RESET", "3.0.0", "O(N) where N is the number of known nodes.", "Resets this node's cluster state.", "[HARD|SOFT]"),
        new("CLUSTER SAVECONFIG", "3.0.0", "O(1)", "Saves the cluster configuration to disk.", ""),
        new("CLUSTER SET-CONFIG-EPOCH", "3.0.0", "O(1)", "Sets the config epoch of a new node.", "config-epoch=i"),
        new("CLUSTER SETSLOT", "3.0.0", "O(1)", "Changes the state of a hash slot.",
            "slot=i (IMPORTING node-id|MIGRATING node-id|NODE node-id|STABLE)"),
        new("CLUSTER LINKS", "7.0.0", "O(N) where N is the total number of Cluster nodes", "Describes the links to the other nodes.", "")
            { Tips = "nondeterministic_output" },
        new("CLUSTER REPLICAS", "5.0.0", "O(1)", "Lists the replicas of a node.", "node-id") { Tips = "nondeterministic_output" },
        new("CLUSTER SLAVES", "3.0.0", "O(1)", "Lists the replicas of a node (old name of CLUSTER REPLICAS).", "node-id")
            { Tips = "nondeterministic_output" },
        new("CLUSTER COUNT-FAILURE-REPORTS", "3.0.0", "O(N) where N is the number of failure reports", "Counts the failure reports about a node.",
            "node-id") { Tips = "nondeterministic_output" },
        new("CLUSTER BUMPEPOCH", "3.0.0", "O(1)", "Advances the cluster config epoch.", "") { Tips = "nondeterministic_output" },
        new("FUNCTION", "7.0.0", "Depends on subcommand.", "Container for the function commands.", ""),
        new("FUNCTION FLUSH", "7.0.0", "O(N) where N is the number of functions deleted", "Deletes every library (there are none).",
            "[ASYNC|SYNC]") { Tips = "request_policy:all_shards response_policy:all_succeeded" },
        new("FUNCTION HELP", "7.0.0", "O(1)", "Lists the FUNCTION subcommands.", ""),
    ];
}
