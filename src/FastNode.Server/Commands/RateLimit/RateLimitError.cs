namespace FastNode.Server.Commands.RateLimit;

/// <summary>Why a limiter command's arguments were refused; <see cref="RateLimitErrors.Text"/> gives the reply.</summary>
internal enum RateLimitError : byte
{
    None = 0,
    NotInteger,
    Syntax,
    MaxBurstNegative,
    MaxBurstTooLarge,
    CountNotPositive,
    CountTooLarge,
    PeriodNotPositive,
    PeriodTooLarge,
    PeriodMsNotPositive,
    PeriodMsTooLarge,
    PeriodOptionNotPositive,
    PeriodOptionTooLarge,
    QuantityNegative,
    CostNegative,
    CapacityNotPositive,
    CapacityTooLarge,
    RefillNotPositive,
    LimitNotPositive,
    WindowNotPositive,
    WindowTooLarge,
    LeaseTtlNotPositive,
    LeaseTtlTooLarge,
    NumLimitsOutOfRange,
    NumLimitsMismatch,
    DuplicateKey,
    UnknownLimiter,
}
