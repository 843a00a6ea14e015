using FastNode.Protocol;

namespace FastNode.Server.Commands.Expiry;

/// <summary>
/// The NX / XX / GT / LT options of EXPIRE and friends (Redis 7.0). Parsing reports the first unknown option,
/// then the incompatible combinations, before the time argument is even looked at, which is Redis's order.
/// </summary>
internal struct ExpireCondition
{
    public bool Nx;   // only when the key has no TTL
    public bool Xx;   // only when the key has a TTL
    public bool Gt;   // only when the new expiry is later (no TTL counts as infinite, so GT never applies)
    public bool Lt;   // only when the new expiry is sooner (no TTL counts as infinite, so LT always applies)

    public enum Result : byte { Ok, UnknownOption, NxWithOthers, GtWithLt }

    public static Result Parse(CommandArgs args, int start, out ExpireCondition condition, out int badIndex)
    {
        condition = default;
        badIndex = -1;
        for (int a = start; a < args.Count; a++)
        {
            var option = args[a];
            if (Ascii.EqualsIgnoreCase(option, "NX"u8)) condition.Nx = true;
            else if (Ascii.EqualsIgnoreCase(option, "XX"u8)) condition.Xx = true;
            else if (Ascii.EqualsIgnoreCase(option, "GT"u8)) condition.Gt = true;
            else if (Ascii.EqualsIgnoreCase(option, "LT"u8)) condition.Lt = true;
            else
            {
                badIndex = a;
                return Result.UnknownOption;
            }
        }
        if (condition.Nx && (condition.Xx || condition.Gt || condition.Lt)) return Result.NxWithOthers;
        if (condition.Gt && condition.Lt) return Result.GtWithLt;
        return Result.Ok;
    }

    /// <summary>Whether the condition lets <paramref name="newExpireAt"/> replace <paramref name="currentExpireAt"/> (0 = no TTL).</summary>
    public readonly bool Allows(long currentExpireAt, long newExpireAt)
    {
        bool volatileKey = currentExpireAt != 0;
        if (Nx && volatileKey) return false;
        if (Xx && !volatileKey) return false;
        if (Gt && (!volatileKey || newExpireAt <= currentExpireAt)) return false;
        if (Lt && volatileKey && newExpireAt >= currentExpireAt) return false;
        return true;
    }
}
