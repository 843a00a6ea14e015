using FastNode.Protocol;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// Error replies of the rate-limit commands (docs/rate-limiting.md lists them). Malformed numbers get Redis's own
/// "value is not an integer or out of range"; values that parse but make no sense name the argument.
/// </summary>
internal static class RateLimitErrors
{
    public static ReadOnlySpan<byte> Text(RateLimitError error) => error switch
    {
        RateLimitError.NotInteger => RespErrors.NotInteger,
        RateLimitError.Syntax => RespErrors.Syntax,
        RateLimitError.MaxBurstNegative => "ERR max_burst must not be negative"u8,
        RateLimitError.MaxBurstTooLarge => "ERR max_burst is too large"u8,
        RateLimitError.CountNotPositive => "ERR count_per_period must be positive"u8,
        RateLimitError.CountTooLarge => "ERR count_per_period is too large for the period"u8,
        RateLimitError.PeriodNotPositive => "ERR period must be positive"u8,
        RateLimitError.PeriodTooLarge => "ERR period is too large"u8,
        RateLimitError.PeriodMsNotPositive => "ERR period_ms must be positive"u8,
        RateLimitError.PeriodMsTooLarge => "ERR period_ms is too large"u8,
        RateLimitError.PeriodOptionNotPositive => "ERR PERIOD must be positive"u8,
        RateLimitError.PeriodOptionTooLarge => "ERR PERIOD is too large"u8,
        RateLimitError.QuantityNegative => "ERR quantity must not be negative"u8,
        RateLimitError.CostNegative => "ERR COST must not be negative"u8,
        RateLimitError.CapacityNotPositive => "ERR capacity must be positive"u8,
        RateLimitError.CapacityTooLarge => "ERR capacity is too large for the refill rate"u8,
        RateLimitError.RefillNotPositive => "ERR refill must be positive"u8,
        RateLimitError.LimitNotPositive => "ERR limit must be positive"u8,
        RateLimitError.WindowNotPositive => "ERR window_ms must be positive"u8,
        RateLimitError.WindowTooLarge => "ERR window_ms is too large"u8,
        RateLimitError.LeaseTtlNotPositive => "ERR lease_ttl_ms must be positive"u8,
        RateLimitError.LeaseTtlTooLarge => "ERR lease_ttl_ms is too large"u8,
        RateLimitError.NumLimitsOutOfRange => "ERR numlimits must be between 1 and 16"u8,
        RateLimitError.NumLimitsMismatch => "ERR numlimits does not match the number of limits given"u8,
        RateLimitError.DuplicateKey => "ERR RL.MULTI keys must be distinct"u8,
        RateLimitError.UnknownLimiter => "ERR unknown limiter type, expected GCRA, TOKENBUCKET, SLIDINGLOG or SLIDINGWINDOW"u8,
        _ => RespErrors.InternalError,
    };
}
