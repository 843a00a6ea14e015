namespace FastNode.Server.Commands.SortedSets;

/// <summary>Error texts of the sorted-set commands, byte for byte as Redis 7.0 sends them (after the '-').</summary>
public static class SortedSetErrors
{
    public static ReadOnlySpan<byte> XxAndNx => "ERR XX and NX options at the same time are not compatible"u8;
    public static ReadOnlySpan<byte> GtLtNx => "ERR GT, LT, and/or NX options at the same time are not compatible"u8;
    public static ReadOnlySpan<byte> IncrSinglePair => "ERR INCR option supports a single increment-element pair"u8;
    public static ReadOnlySpan<byte> ScoreNaN => "ERR resulting score is not a number (NaN)"u8;
    public static ReadOnlySpan<byte> MinMaxNotFloat => "ERR min or max is not a float"u8;
    public static ReadOnlySpan<byte> MinMaxNotString => "ERR min or max not valid string range item"u8;
    public static ReadOnlySpan<byte> LimitNeedsByScoreOrLex => "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"u8;
    public static ReadOnlySpan<byte> WithScoresByLex => "ERR syntax error, WITHSCORES not supported in combination with BYLEX"u8;
    public static ReadOnlySpan<byte> WeightNotFloat => "ERR weight value is not a float"u8;
    public static ReadOnlySpan<byte> CountNotPositive => "ERR count should be greater than 0"u8;

    /// <summary>ZUNIONSTORE & co with numkeys &lt; 1 (cold path).</summary>
    public static string AtLeastOneKey(string command) => $"ERR at least 1 input key is needed for '{command}' command";
}
