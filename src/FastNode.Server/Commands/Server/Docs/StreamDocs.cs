namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the stream group.</summary>
public static class StreamDocs
{
    private const string LogN = "O(log(N)) with N being the number of entries in the stream";

    public static readonly CommandDoc[] All =
    [
        new("XACK", "5.0.0", "O(1) for each message ID processed.", "Acknowledges entries of a consumer group, removing them from its pending list.",
            "key group id ..."),
        new("XADD", "5.0.0", "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
            "Appends an entry to a stream, creating the stream if needed.",
            "key [NOMKSTREAM] [(MAXLEN|MINID){strategy} [=|~]{operator} threshold [LIMIT count=i]]{trim} (*|id){id_or_auto} (field value){field_value} ...")
            { Tips = "nondeterministic_output", KeyFlags = "RW update" },
        new("XAUTOCLAIM", "6.2.0", "O(1) if COUNT is small.", "Transfers pending entries idle for long enough to another consumer, scanning with a cursor.",
            "key group consumer min-idle-time start [COUNT count=i] [JUSTID]") { Tips = "nondeterministic_output", KeyFlags = "RW delete" },
        new("XCLAIM", "5.0.0", "O(log N) with N being the number of messages in the PEL of the consumer group.",
            "Transfers pending entries to another consumer.",
            "key group consumer min-idle-time id ... [IDLE ms=i] [TIME unix-time-milliseconds=t] [RETRYCOUNT count=i] [FORCE] [JUSTID] [LASTID id]")
            { Tips = "nondeterministic_output" },
        new("XDEL", "5.0.0", "O(1) for each single item to delete in the stream, regardless of the stream size.",
            "Deletes entries from a stream.", "key id ...") { KeyFlags = "RW delete" },
        new("XGROUP", "5.0.0", "Depends on subcommand.", "Container for the consumer group commands.", ""),
        new("XGROUP CREATE", "5.0.0", "O(1)", "Creates a consumer group.",
            "key groupname (id|$){id} [MKSTREAM] [ENTRIESREAD entries_read=i]") { KeyFlags = "RW insert" },
        new("XGROUP CREATECONSUMER", "6.2.0", "O(1)", "Creates a consumer in a consumer group.", "key groupname consumername") { KeyFlags = "RW insert" },
        new("XGROUP DELCONSUMER", "5.0.0", "O(1)", "Deletes a consumer from a consumer group.", "key groupname consumername") { KeyFlags = "RW delete" },
        new("XGROUP DESTROY", "5.0.0", "O(N) where N is the number of entries in the group's pending entries list (PEL).",
            "Destroys a consumer group.", "key groupname") { KeyFlags = "RW delete" },
        new("XGROUP HELP", "5.0.0", "O(1)", "Lists the XGROUP subcommands.", ""),
        new("XGROUP SETID", "5.0.0", "O(1)", "Sets the last-delivered ID of a consumer group.",
            "key groupname (id|$){id} [ENTRIESREAD entries_read=i]"),
        new("XINFO", "5.0.0", "Depends on subcommand.", "Container for the stream introspection commands.", ""),
        new("XINFO CONSUMERS", "5.0.0", "O(1)", "Lists the consumers of a consumer group.", "key groupname") { Tips = "nondeterministic_output" },
        new("XINFO GROUPS", "5.0.0", "O(1)", "Lists the consumer groups of a stream.", "key"),
        new("XINFO HELP", "5.0.0", "O(1)", "Lists the XINFO subcommands.", ""),
        new("XINFO STREAM", "5.0.0", "O(1)", "Describes a stream.", "key [FULL [COUNT count=i]]{full}"),
        new("XLEN", "5.0.0", "O(1)", "Returns the number of entries in a stream.", "key"),
        new("XPENDING", "5.0.0", "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1).",
            "Returns the pending entries of a consumer group.",
            "key group [[IDLE min-idle-time=i] start end count=i [consumer]]{filters}") { Tips = "nondeterministic_output" },
        new("XRANGE", "5.0.0", "O(N) with N being the number of elements being returned.", "Returns the entries of a stream in an ID range.",
            "key start end [COUNT count=i]"),
        new("XREAD", "5.0.0", "For each stream mentioned: O(N) with N the number of elements being returned.",
            "Returns entries after given IDs from one or more streams, optionally blocking until some arrive.",
            "[COUNT count=i] [BLOCK milliseconds=i] STREAMS (key ... id ...){streams}"),
        new("XREADGROUP", "5.0.0", "For each stream mentioned: O(M) with M the number of elements returned.",
            "Reads entries for a consumer of a group, optionally blocking until some arrive.",
            "GROUP (group consumer){group_consumer} [COUNT count=i] [BLOCK milliseconds=i] [NOACK] STREAMS (key ... id ...){streams}"),
        new("XREVRANGE", "5.0.0", "O(N) with N being the number of elements returned.", "Returns the entries of a stream in an ID range, last first.",
            "key end start [COUNT count=i]"),
        new("XSETID", "5.0.0", "O(1)", "Sets the last ID and counters of a stream.",
            "key last-id [ENTRIESADDED entries_added=i] [MAXDELETEDID max_deleted_entry_id]"),
        new("XTRIM", "5.0.0", LogN + ", and M being the number of evicted entries.", "Trims a stream by length or minimum ID.",
            "key ((MAXLEN|MINID){strategy} [=|~]{operator} threshold [LIMIT count=i]){trim}") { Tips = "nondeterministic_output", KeyFlags = "RW delete" },
    ];
}
