namespace FastNode.Protocol;

/// <summary>Size limits checked by the reader before it allocates anything for a request.</summary>
public sealed class ProtocolLimits
{
    /// <summary>Redis PROTO_INLINE_MAX_SIZE: an inline line, or a `*N` / `$N` header line, may not exceed this.</summary>
    public const int InlineMaxSize = 64 * 1024;

    /// <summary>Arguments in one command (Redis and Garnet both cap a request at 1M elements).</summary>
    public const int DefaultMaxArguments = 1024 * 1024;

    /// <summary>Before AUTH, when a password is required, Redis accepts at most 10 arguments...</summary>
    public const int UnauthenticatedMaxArguments = 10;

    /// <summary>...of at most 16 KB each.</summary>
    public const int UnauthenticatedMaxBulkLength = 16 * 1024;

    /// <summary>proto-max-bulk-len: the longest single argument (512 MB by default, as in Redis).</summary>
    public long MaxBulkLength { get; set; } = 512L * 1024 * 1024;

    public int MaxArguments { get; set; } = DefaultMaxArguments;

    /// <summary>client-query-buffer-limit: bytes of one not-yet-complete request a client may hold (1 GB, as in Redis).</summary>
    public long MaxQueryBuffer { get; set; } = 1024L * 1024 * 1024;
}
