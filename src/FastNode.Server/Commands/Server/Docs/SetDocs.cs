namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the set group.</summary>
public static class SetDocs
{
    public static readonly CommandDoc[] All =
    [
        new("SADD", "1.0.0", "O(1) for each element added", "Adds members to a set, creating it if needed.", "key member ..."),
        new("SCARD", "1.0.0", "O(1)", "Returns the number of members of a set.", "key"),
        new("SDIFF", "1.0.0", "O(N) where N is the total number of elements in all given sets.", "Returns the members of the first set missing from the others.",
            "key ...") { Tips = "nondeterministic_output_order" },
        new("SDIFFSTORE", "1.0.0", "O(N) where N is the total number of elements in all given sets.", "Stores the difference of sets.",
            "destination=k key ..."),
        new("SINTER", "1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
            "Returns the members common to all sets.", "key ...") { Tips = "nondeterministic_output_order" },
        new("SINTERCARD", "7.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
            "Counts the members common to all sets.", "numkeys=i key ... [LIMIT limit=i]"),
        new("SINTERSTORE", "1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
            "Stores the intersection of sets.", "destination=k key ..."),
        new("SISMEMBER", "1.0.0", "O(1)", "Tells whether a value is a member of a set.", "key member"),
        new("SMEMBERS", "1.0.0", "O(N) where N is the set cardinality.", "Returns every member of a set.", "key") { Tips = "nondeterministic_output_order" },
        new("SMISMEMBER", "6.2.0", "O(N) where N is the number of elements being checked for membership", "Tells which values are members of a set.",
            "key member ..."),
        new("SMOVE", "1.0.0", "O(1)", "Moves a member from one set to another.", "source=k destination=k member"),
        new("SPOP", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
            "Removes and returns random members of a set.", "key [count=i]") { Tips = "nondeterministic_output" },
        new("SRANDMEMBER", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
            "Returns random members of a set.", "key [count=i]") { Tips = "nondeterministic_output" },
        new("SREM", "1.0.0", "O(N) where N is the number of members to be removed.", "Removes members from a set.", "key member ..."),
        new("SSCAN", "2.8.0", "O(1) for every call. O(N) for a complete iteration", "Iterates over the members of a set.",
            "key cursor=i [MATCH pattern=p] [COUNT count=i]") { Tips = "nondeterministic_output" },
        new("SUNION", "1.0.0", "O(N) where N is the total number of elements in all given sets.", "Returns the members of all sets.", "key ...")
            { Tips = "nondeterministic_output_order" },
        new("SUNIONSTORE", "1.0.0", "O(N) where N is the total number of elements in all given sets.", "Stores the union of sets.",
            "destination=k key ..."),
    ];
}
