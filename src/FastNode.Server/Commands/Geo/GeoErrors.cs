namespace FastNode.Server.Commands.Geo;

/// <summary>The geo commands' error texts, as Redis 7.0 words them.</summary>
internal static class GeoErrors
{
    public static ReadOnlySpan<byte> UnsupportedUnit => "ERR unsupported unit provided. please use M, KM, FT, MI"u8;
    public static ReadOnlySpan<byte> NeedNumericRadius => "ERR need numeric radius"u8;
    public static ReadOnlySpan<byte> NeedNumericWidth => "ERR need numeric width"u8;
    public static ReadOnlySpan<byte> NeedNumericHeight => "ERR need numeric height"u8;
    public static ReadOnlySpan<byte> NegativeRadius => "ERR radius cannot be negative"u8;
    public static ReadOnlySpan<byte> NegativeBox => "ERR height or width cannot be negative"u8;
    public static ReadOnlySpan<byte> MemberNotFound => "ERR could not decode requested zset member"u8;
    public static ReadOnlySpan<byte> CountNotPositive => "ERR COUNT must be > 0"u8;
    public static ReadOnlySpan<byte> AnyNeedsCount => "ERR the ANY argument requires COUNT argument"u8;
    public static ReadOnlySpan<byte> StoreWithOptions => "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"u8;
    public static ReadOnlySpan<byte> SearchStoreWithOptions => "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"u8;
}
