namespace FastNode.Server.Commands.Lists;

/// <summary>Error replies of the list family, byte for byte as Redis 7.0 sends them (text after '-').</summary>
internal static class ListErrors
{
    public static ReadOnlySpan<byte> IndexOutOfRange => "ERR index out of range"u8;
    public static ReadOnlySpan<byte> RankZero => "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"u8;
    public static ReadOnlySpan<byte> CountNegative => "ERR COUNT can't be negative"u8;
    public static ReadOnlySpan<byte> MaxLenNegative => "ERR MAXLEN can't be negative"u8;
    public static ReadOnlySpan<byte> CountNotPositive => "ERR count should be greater than 0"u8;
}
