using FastNode.Protocol;

namespace FastNode.Server.Commands.Strings;

/// <summary>The options of SET (NX|XX, GET, EX|PX|EXAT|PXAT|KEEPTTL), parsed from argument 3 on.</summary>
public ref struct SetOptions
{
    public bool Nx;
    public bool Xx;
    public bool Get;
    public bool KeepTtl;
    /// <summary>Absolute expiry in Unix ms, or 0 for none.</summary>
    public long ExpireAt;

    public enum Result { Ok, Syntax, NotInteger, InvalidExpire }

    public static Result Parse(CommandArgs args, int start, long nowMs, out SetOptions options)
    {
        options = default;
        bool hasExpire = false;
        int expireIndex = 0;
        var expireUnit = ExpiryArg.None;
        for (int i = start; i < args.Count; i++)
        {
            var arg = args[i];
            if (Ascii.EqualsIgnoreCase(arg, "NX"u8) && !options.Xx) options.Nx = true;
            else if (Ascii.EqualsIgnoreCase(arg, "XX"u8) && !options.Nx) options.Xx = true;
            else if (Ascii.EqualsIgnoreCase(arg, "GET"u8)) options.Get = true;
            else if (Ascii.EqualsIgnoreCase(arg, "KEEPTTL"u8) && !hasExpire) options.KeepTtl = true;
            else if (!options.KeepTtl && !hasExpire && i + 1 < args.Count && ExpiryUnit(arg) is var unit and not ExpiryArg.None)
            {
                expireUnit = unit;
                expireIndex = ++i;
                hasExpire = true;
            }
            else return Result.Syntax;
        }
        // Redis reports a syntax error before it looks at the expiry value.
        return hasExpire ? ParseExpiry(args[expireIndex], expireUnit, nowMs, out options.ExpireAt) : Result.Ok;
    }

    public enum ExpiryArg { None, Ex, Px, ExAt, PxAt }

    public static ExpiryArg ExpiryUnit(ReadOnlySpan<byte> arg)
    {
        if (Ascii.EqualsIgnoreCase(arg, "EX"u8)) return ExpiryArg.Ex;
        if (Ascii.EqualsIgnoreCase(arg, "PX"u8)) return ExpiryArg.Px;
        if (Ascii.EqualsIgnoreCase(arg, "EXAT"u8)) return ExpiryArg.ExAt;
        if (Ascii.EqualsIgnoreCase(arg, "PXAT"u8)) return ExpiryArg.PxAt;
        return ExpiryArg.None;
    }

    /// <summary>Turns an EX/PX/EXAT/PXAT argument into an absolute Unix-ms time, with Redis's validity rules
    /// (positive, no overflow once converted to ms and added to now).</summary>
    public static Result ParseExpiry(ReadOnlySpan<byte> text, ExpiryArg unit, long nowMs, out long expireAt)
    {
        expireAt = 0;
        if (!Numbers.TryParseInt64(text, out long n)) return Result.NotInteger;
        if (n <= 0) return Result.InvalidExpire;
        bool seconds = unit is ExpiryArg.Ex or ExpiryArg.ExAt;
        if (seconds && n > long.MaxValue / 1000) return Result.InvalidExpire;
        long ms = seconds ? n * 1000 : n;
        if (unit is ExpiryArg.Ex or ExpiryArg.Px)
        {
            if (ms > long.MaxValue - nowMs) return Result.InvalidExpire;
            ms += nowMs;
        }
        expireAt = ms;
        return Result.Ok;
    }
}
