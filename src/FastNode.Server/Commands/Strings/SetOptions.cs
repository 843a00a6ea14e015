using FastNode.Protocol;

namespace FastNode.Server.Commands.Strings;

/// <summary>
/// The options of SET (NX|XX, GET, EX|PX|EXAT|PXAT|KEEPTTL) and of GETEX (EX|PX|EXAT|PXAT|PERSIST).
/// Parsing is two steps because Redis reports them at different moments: keywords (syntax errors) first,
/// the expiry value later (SET: before touching the key; GETEX: only once the key is known to be a string).
/// </summary>
public ref struct SetOptions
{
    public bool Nx;
    public bool Xx;
    public bool Get;
    public bool KeepTtl;
    /// <summary>GETEX PERSIST.</summary>
    public bool Persist;
    /// <summary>Which expiry keyword was given (the last one: Redis accepts a repeated keyword, e.g. EX 1 EX 2).</summary>
    public ExpiryArg ExpireUnit;
    /// <summary>Argument index of the expiry value, when <see cref="ExpireUnit"/> is set.</summary>
    public int ExpireIndex;
    /// <summary>Absolute expiry in Unix ms, or 0 for none; filled by <see cref="ResolveExpiry"/>.</summary>
    public long ExpireAt;

    public enum Result { Ok, Syntax, NotInteger, InvalidExpire }

    public enum ExpiryArg { None, Ex, Px, ExAt, PxAt }

    /// <summary>EXAT/PXAT: the value is an absolute time, which may already have passed.</summary>
    public readonly bool AbsoluteExpiry => ExpireUnit is ExpiryArg.ExAt or ExpiryArg.PxAt;

    /// <summary>
    /// Reads the keywords from argument <paramref name="start"/> on. <paramref name="getEx"/> selects GETEX's set
    /// (PERSIST instead of NX/XX/GET/KEEPTTL). Only syntax is checked here. The rules are Redis's: NX and XX
    /// exclude each other, KEEPTTL/PERSIST exclude any expiry, two different expiry units are a syntax error, and an
    /// expiry keyword needs a following argument.
    /// </summary>
    public static Result Parse(CommandArgs args, int start, bool getEx, out SetOptions options)
    {
        options = default;
        for (int i = start; i < args.Count; i++)
        {
            var arg = args[i];
            if (!getEx && Ascii.EqualsIgnoreCase(arg, "NX"u8) && !options.Xx) options.Nx = true;
            else if (!getEx && Ascii.EqualsIgnoreCase(arg, "XX"u8) && !options.Nx) options.Xx = true;
            else if (!getEx && Ascii.EqualsIgnoreCase(arg, "GET"u8)) options.Get = true;
            else if (!getEx && Ascii.EqualsIgnoreCase(arg, "KEEPTTL"u8) && options.ExpireUnit == ExpiryArg.None) options.KeepTtl = true;
            else if (getEx && Ascii.EqualsIgnoreCase(arg, "PERSIST"u8) && options.ExpireUnit == ExpiryArg.None) options.Persist = true;
            else if (ExpiryUnit(arg) is var unit and not ExpiryArg.None && !options.KeepTtl && !options.Persist
                && (options.ExpireUnit == ExpiryArg.None || options.ExpireUnit == unit) && i + 1 < args.Count)
            {
                options.ExpireUnit = unit;
                options.ExpireIndex = ++i;
            }
            else return Result.Syntax;
        }
        return Result.Ok;
    }

    /// <summary>Validates the expiry value (if any) and stores it as an absolute time in <see cref="ExpireAt"/>.</summary>
    public Result ResolveExpiry(CommandArgs args, long nowMs) =>
        ExpireUnit == ExpiryArg.None ? Result.Ok : ParseExpiry(args[ExpireIndex], ExpireUnit, nowMs, out ExpireAt);

    public static ExpiryArg ExpiryUnit(ReadOnlySpan<byte> arg)
    {
        if (arg.Length is < 2 or > 4) return ExpiryArg.None;
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
