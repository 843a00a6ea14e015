namespace FastNode.Server.Commands.Locks;

/// <summary>
/// Error replies of the LOCK.* and SEM.* commands (FastNode's own; the timeout texts are Redis's). The limits they
/// spell out are <c>LockState.MaxTtlMs</c> and <c>LockState.MaxPermits</c>: change both together.
/// </summary>
public static class LockErrors
{
    public static ReadOnlySpan<byte> TtlOutOfRange => "ERR ttl_ms must be between 1 and 86400000"u8;
    public static ReadOnlySpan<byte> TimeoutNotInteger => "ERR timeout is not an integer or out of range"u8;
    public static ReadOnlySpan<byte> TimeoutOutOfRange => "ERR timeout is out of range (0 to 86400000 ms, 0 waits forever)"u8;
    public static ReadOnlySpan<byte> PermitsOutOfRange => "ERR permits must be between 1 and 1024"u8;
    public static ReadOnlySpan<byte> TokensExhausted => "ERR fencing tokens exhausted for this epoch"u8;
    public static ReadOnlySpan<byte> EpochExhausted => "ERR fencing token epochs exhausted (the epoch would pass 32767); tokens would no longer increase"u8;

    /// <summary>Cold path: SEM.ACQUIRE named a different permit count than the existing semaphore has.</summary>
    public static string PermitsMismatch(int existing, long requested) =>
        $"ERR semaphore has {existing} permits, not {requested}";
}
