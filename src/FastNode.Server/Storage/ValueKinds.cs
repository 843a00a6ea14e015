namespace FastNode.Server.Storage;

public static class ValueKinds
{
    /// <summary>The name TYPE answers (and SCAN TYPE matches) for each kind.</summary>
    public static ReadOnlySpan<byte> TypeName(ValueKind kind) => kind switch
    {
        ValueKind.String => "string"u8,
        ValueKind.Hash => "hash"u8,
        ValueKind.List => "list"u8,
        ValueKind.Set => "set"u8,
        ValueKind.SortedSet => "zset"u8,
        ValueKind.Stream => "stream"u8,
        ValueKind.RateLimiter => "ratelimiter"u8,
        ValueKind.Lock => "lock"u8,
        _ => "none"u8,
    };
}
