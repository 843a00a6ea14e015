using FastNode.Protocol;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Commands.Locks;

/// <summary>
/// Argument parsing shared by the lock and semaphore commands. Each parser returns the error reply to send, or an
/// empty span on success (the texts are u8 constants, so a failed parse allocates nothing either).
/// </summary>
public static class LockArgs
{
    /// <summary>ttl_ms: an integer in [<see cref="LockState.MinTtlMs"/>, <see cref="LockState.MaxTtlMs"/>].</summary>
    public static ReadOnlySpan<byte> ParseTtl(ReadOnlySpan<byte> arg, out long ttlMs)
    {
        if (!Numbers.TryParseInt64(arg, out ttlMs)) return RespErrors.NotInteger;
        if (ttlMs < LockState.MinTtlMs || ttlMs > LockState.MaxTtlMs) return LockErrors.TtlOutOfRange;
        return default;
    }

    /// <summary>permits: an integer in [1, <see cref="LockState.MaxPermits"/>].</summary>
    public static ReadOnlySpan<byte> ParsePermits(ReadOnlySpan<byte> arg, out int permits)
    {
        permits = 0;
        if (!Numbers.TryParseInt64(arg, out long value)) return RespErrors.NotInteger;
        if (value < 1 || value > LockState.MaxPermits) return LockErrors.PermitsOutOfRange;
        permits = (int)value;
        return default;
    }

    /// <summary>
    /// ttl_ms at <paramref name="ttlIndex"/>, then an optional <c>WAIT timeout_ms</c> (0 = wait forever, as a Redis
    /// blocking timeout of 0). Anything else after ttl_ms is a syntax error.
    /// </summary>
    public static ReadOnlySpan<byte> ParseAcquire(CommandArgs args, int ttlIndex, out long ttlMs, out bool wait, out long waitMs)
    {
        wait = false;
        waitMs = 0;
        var error = ParseTtl(args[ttlIndex], out ttlMs);
        if (!error.IsEmpty) return error;
        int rest = args.Count - ttlIndex - 1;
        if (rest == 0) return default;
        if (rest != 2 || !Ascii.EqualsIgnoreCase(args[ttlIndex + 1], "WAIT"u8)) return RespErrors.Syntax;
        if (!Numbers.TryParseInt64(args[ttlIndex + 2], out waitMs)) return LockErrors.TimeoutNotInteger;
        if (waitMs < 0) return RespErrors.TimeoutNegative;
        if (waitMs > LockState.MaxTtlMs) return LockErrors.TimeoutOutOfRange;
        wait = true;
        return default;
    }
}
