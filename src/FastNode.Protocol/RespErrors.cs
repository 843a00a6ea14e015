namespace FastNode.Protocol;

/// <summary>
/// Error replies, byte for byte as Redis 7.0 sends them (clients branch on the prefix and sometimes the text).
/// Each is the text after '-'; write them with <see cref="RespWriter.WriteError(ReadOnlySpan{byte})"/>.
/// Errors that embed a command name or an argument are built on the cold path by <c>ErrorText</c> helpers in the server.
/// </summary>
public static class RespErrors
{
    public static ReadOnlySpan<byte> WrongType => "WRONGTYPE Operation against a key holding the wrong kind of value"u8;
    public static ReadOnlySpan<byte> NotInteger => "ERR value is not an integer or out of range"u8;
    public static ReadOnlySpan<byte> NotFloat => "ERR value is not a valid float"u8;
    public static ReadOnlySpan<byte> Syntax => "ERR syntax error"u8;
    public static ReadOnlySpan<byte> Overflow => "ERR increment or decrement would overflow"u8;
    public static ReadOnlySpan<byte> DecrementOverflow => "ERR decrement would overflow"u8;
    public static ReadOnlySpan<byte> NaNOrInfinity => "ERR increment would produce NaN or Infinity"u8;
    public static ReadOnlySpan<byte> NoSuchKey => "ERR no such key"u8;
    public static ReadOnlySpan<byte> DbIndexOutOfRange => "ERR DB index is out of range"u8;
    public static ReadOnlySpan<byte> StringTooLong => "ERR string exceeds maximum allowed size (proto-max-bulk-len)"u8;
    public static ReadOnlySpan<byte> OffsetOutOfRange => "ERR offset is out of range"u8;
    public static ReadOnlySpan<byte> NoAuth => "NOAUTH Authentication required."u8;
    public static ReadOnlySpan<byte> WrongPass => "WRONGPASS invalid username-password pair or user is disabled."u8;
    public static ReadOnlySpan<byte> AuthNotConfigured => "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"u8;
    public static ReadOnlySpan<byte> MaxClients => "ERR max number of clients reached"u8;
    public static ReadOnlySpan<byte> InternalError => "ERR internal error"u8;
    public static ReadOnlySpan<byte> NoProto => "NOPROTO unsupported protocol version"u8;
    // connection and server administration
    public static ReadOnlySpan<byte> ProtocolVersionNotInteger => "ERR Protocol version is not an integer or out of range"u8;
    public static ReadOnlySpan<byte> HelloNoAuth => "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"u8;
    public static ReadOnlySpan<byte> InvalidClientName => "ERR Client names cannot contain spaces, newlines or special characters."u8;
    public static ReadOnlySpan<byte> NoSuchClient => "ERR No such client"u8;
    public static ReadOnlySpan<byte> InvalidClientId => "ERR Invalid client ID"u8;
    public static ReadOnlySpan<byte> ClientIdNotPositive => "ERR client-id should be greater than 0"u8;
    public static ReadOnlySpan<byte> ClusterDisabled => "ERR This instance has cluster support disabled"u8;
    public static ReadOnlySpan<byte> NoPersistence => "ERR persistence is not available"u8;
    public static ReadOnlySpan<byte> TimeoutNotFloat => "ERR timeout is not a float or out of range"u8;
    public static ReadOnlySpan<byte> TimeoutNegative => "ERR timeout is negative"u8;
    public static ReadOnlySpan<byte> SameObject => "ERR source and destination objects are the same"u8;
    // keys and expiry
    public static ReadOnlySpan<byte> InvalidCursor => "ERR invalid cursor"u8;
    public static ReadOnlySpan<byte> NotInt32 => "ERR value is out of range, value must between -2147483648 and 2147483647"u8;
    public static ReadOnlySpan<byte> LfuNotSelected => "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."u8;
    public static ReadOnlySpan<byte> IdleTimeUnderLfu => "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."u8;
    public static ReadOnlySpan<byte> ExpireNxAndOthers => "ERR NX and XX, GT or LT options at the same time are not compatible"u8;
    public static ReadOnlySpan<byte> ExpireGtAndLt => "ERR GT and LT options at the same time are not compatible"u8;
    // hashes and sets
    public static ReadOnlySpan<byte> HashValueNotInteger => "ERR hash value is not an integer"u8;
    public static ReadOnlySpan<byte> HashValueNotFloat => "ERR hash value is not a float"u8;
    public static ReadOnlySpan<byte> IncrementNaNOrInfinity => "ERR value is NaN or Infinity"u8;
    public static ReadOnlySpan<byte> ValueOutOfRange => "ERR value is out of range"u8;
    public static ReadOnlySpan<byte> CountOutOfRange => "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8;
    public static ReadOnlySpan<byte> CountNotPositive => "ERR value is out of range, must be positive"u8;
    public static ReadOnlySpan<byte> NumKeysNotPositive => "ERR numkeys should be greater than 0"u8;
    public static ReadOnlySpan<byte> NumKeysExceedArgs => "ERR Number of keys can't be greater than number of args"u8;
    public static ReadOnlySpan<byte> LimitNegative => "ERR LIMIT can't be negative"u8;
}
