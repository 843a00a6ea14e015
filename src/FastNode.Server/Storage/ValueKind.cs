namespace FastNode.Server.Storage;

/// <summary>What a key holds. TYPE reports <see cref="ValueKinds.TypeName"/>.</summary>
public enum ValueKind : byte
{
    None = 0,
    String,
    Hash,
    List,
    Set,
    SortedSet,
    Stream,
    RateLimiter,
    Lock,
}
