namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the hash group.</summary>
public static class HashDocs
{
    public static readonly CommandDoc[] All =
    [
        new("HDEL", "2.0.0", "O(N) where N is the number of fields to be removed.", "Deletes fields of a hash.", "key field ..."),
        new("HEXISTS", "2.0.0", "O(1)", "Tells whether a hash has a field.", "key field"),
        new("HGET", "2.0.0", "O(1)", "Returns the value of a hash field.", "key field"),
        new("HGETALL", "2.0.0", "O(N) where N is the size of the hash.", "Returns every field and value of a hash.", "key")
            { Tips = "nondeterministic_output_order" },
        new("HINCRBY", "2.0.0", "O(1)", "Increments the integer in a hash field.", "key field increment=i"),
        new("HINCRBYFLOAT", "2.6.0", "O(1)", "Increments the number in a hash field by a floating-point amount.", "key field increment=d"),
        new("HKEYS", "2.0.0", "O(N) where N is the size of the hash.", "Returns the fields of a hash.", "key") { Tips = "nondeterministic_output_order" },
        new("HLEN", "2.0.0", "O(1)", "Returns the number of fields of a hash.", "key"),
        new("HMGET", "2.0.0", "O(N) where N is the number of fields being requested.", "Returns the values of several hash fields.", "key field ..."),
        new("HMSET", "2.0.0", "O(N) where N is the number of fields being set.", "Sets several hash fields (old form of HSET).", "key (field value) ..."),
        new("HRANDFIELD", "6.2.0", "O(N) where N is the number of fields returned", "Returns random fields of a hash.", "key [count=i [WITHVALUES]]")
            { Tips = "nondeterministic_output" },
        new("HSCAN", "2.8.0", "O(1) for every call. O(N) for a complete iteration", "Iterates over the fields of a hash.",
            "key cursor=i [MATCH pattern=p] [COUNT count=i]") { Tips = "nondeterministic_output" },
        new("HSET", "2.0.0", "O(1) for each field/value pair added", "Sets hash fields, creating the hash if needed.", "key (field value) ..."),
        new("HSETNX", "2.0.0", "O(1)", "Sets a hash field only if it does not exist.", "key field value"),
        new("HSTRLEN", "3.2.0", "O(1)", "Returns the length of a hash field's value.", "key field"),
        new("HVALS", "2.0.0", "O(N) where N is the size of the hash.", "Returns the values of a hash.", "key") { Tips = "nondeterministic_output_order" },
    ];
}
