namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the list group.</summary>
public static class ListDocs
{
    public static readonly CommandDoc[] All =
    [
        new("BLMOVE", "6.2.0", "O(1)", "Moves an element between lists, blocking while the source is empty.",
            "source=k destination=k (LEFT|RIGHT) (LEFT|RIGHT) timeout=d"),
        new("BLMPOP", "7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
            "Pops elements from the first non-empty list, blocking while all are empty.", "timeout=d numkeys=i key ... (LEFT|RIGHT) [COUNT count=i]"),
        new("BLPOP", "2.0.0", "O(N) where N is the number of provided keys.", "Pops the first element of the first non-empty list, blocking while all are empty.",
            "key ... timeout=d"),
        new("BRPOP", "2.0.0", "O(N) where N is the number of provided keys.", "Pops the last element of the first non-empty list, blocking while all are empty.",
            "key ... timeout=d"),
        new("BRPOPLPUSH", "2.2.0", "O(1)", "Moves the last element of a list to the head of another, blocking while the source is empty.",
            "source=k destination=k timeout=d"),
        new("LINDEX", "1.0.0", "O(N) where N is the number of elements to traverse to get to the element at index.", "Returns a list element by index.",
            "key index=i"),
        new("LINSERT", "2.2.0", "O(N) where N is the number of elements to traverse before seeing the value pivot.",
            "Inserts an element before or after another one.", "key (BEFORE|AFTER) pivot element"),
        new("LLEN", "1.0.0", "O(1)", "Returns the length of a list.", "key"),
        new("LMOVE", "6.2.0", "O(1)", "Moves an element from one end of a list to an end of another.", "source=k destination=k (LEFT|RIGHT) (LEFT|RIGHT)"),
        new("LMPOP", "7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
            "Pops elements from the first non-empty list.", "numkeys=i key ... (LEFT|RIGHT) [COUNT count=i]"),
        new("LPOP", "1.0.0", "O(N) where N is the number of elements returned", "Pops elements from the head of a list.", "key [count=i]"),
        new("LPOS", "6.0.6", "O(N) where N is the number of elements in the list, for the average case.", "Finds the positions of an element in a list.",
            "key element [RANK rank=i] [COUNT num-matches=i] [MAXLEN len=i]"),
        new("LPUSH", "1.0.0", "O(1) for each element added", "Prepends elements to a list, creating it if needed.", "key element ..."),
        new("LPUSHX", "2.2.0", "O(1) for each element added", "Prepends elements to an existing list.", "key element ..."),
        new("LRANGE", "1.0.0", "O(S+N) where S is the distance of start offset from HEAD for small lists", "Returns a range of a list.",
            "key start=i stop=i"),
        new("LREM", "1.0.0", "O(N+M) where N is the length of the list and M is the number of elements removed.", "Removes occurrences of an element.",
            "key count=i element"),
        new("LSET", "1.0.0", "O(N) where N is the length of the list.", "Replaces a list element by index.", "key index=i element"),
        new("LTRIM", "1.0.0", "O(N) where N is the number of elements to be removed by the operation.", "Keeps only a range of a list.",
            "key start=i stop=i"),
        new("RPOP", "1.0.0", "O(N) where N is the number of elements returned", "Pops elements from the tail of a list.", "key [count=i]"),
        new("RPOPLPUSH", "1.2.0", "O(1)", "Moves the last element of a list to the head of another.", "source=k destination=k"),
        new("RPUSH", "1.0.0", "O(1) for each element added", "Appends elements to a list, creating it if needed.", "key element ..."),
        new("RPUSHX", "2.2.0", "O(1) for each element added", "Appends elements to an existing list.", "key element ..."),
    ];
}
