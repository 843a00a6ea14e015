namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// The module ids FastNode-only types are saved under (RDB_TYPE_MODULE_2). Redis builds a module id from a 9-character
/// name, 6 bits a character from "A-Za-z0-9-_", followed by a 10-bit encoding version. A redis-server without such a
/// module refuses the file and names the type; redis-check-rdb walks the value through its module opcodes.
///
/// - "FNlimiter" version 1: rate limiters. UINT algorithm (<see cref="Storage.RateLimit.LimiterAlgorithm"/>), UINT
///   field count, then that many SINT fields (<see cref="Storage.RateLimit.RateLimiterState.Export"/>; clock readings
///   as Unix ns).
/// - "FNlocks--" version 1: locks and semaphores. UINT 1 for a semaphore, UINT permits, UINT holder count, then per
///   holder STRING owner, SINT fencing token, SINT lease deadline (Unix ms). Waiters are connections: not saved.
/// Append only: names, versions and layouts are part of the file format.
/// </summary>
public static class FastNodeModuleType
{
    private const string Charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public const string LimiterName = "FNlimiter";
    public const string LockName = "FNlocks--";
    public const int EncodingVersion = 1;

    public static readonly ulong LimiterId = Encode(LimiterName, EncodingVersion);
    public static readonly ulong LockId = Encode(LockName, EncodingVersion);

    public static ulong Encode(string name, int version)
    {
        if (name.Length != 9) throw new ArgumentException("a module type name has 9 characters", nameof(name));
        ulong id = 0;
        foreach (char c in name)
        {
            int index = Charset.IndexOf(c);
            if (index < 0) throw new ArgumentException($"'{c}' is not allowed in a module type name", nameof(name));
            id = (id << 6) | (uint)index;
        }
        return (id << 10) | (uint)version;
    }

    /// <summary>The 9-character name in a module id (for error messages).</summary>
    public static string NameOf(ulong id)
    {
        Span<char> name = stackalloc char[9];
        ulong bits = id >> 10;
        for (int i = 8; i >= 0; i--)
        {
            name[i] = Charset[(int)(bits & 63)];
            bits >>= 6;
        }
        return new string(name);
    }
}
