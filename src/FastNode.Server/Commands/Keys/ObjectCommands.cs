using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Keys;

/// <summary>
/// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP. Lookups do not reset the access time (Redis
/// LOOKUP_NOTOUCH); a missing key answers nil before any policy error.
/// </summary>
public static class ObjectCommands
{
    /// <summary>Longest string Redis keeps in the "embstr" encoding (OBJ_ENCODING_EMBSTR_SIZE_LIMIT).</summary>
    private const int EmbStrLimit = 44;

    /// <summary>Redis shares the integer objects 0..9999 (OBJ_SHARED_INTEGERS); OBJECT REFCOUNT reports them as shared.</summary>
    internal const long SharedIntegers = 10000;

    /// <summary>Redis OBJ_SHARED_REFCOUNT.</summary>
    internal const int SharedRefCount = int.MaxValue;

    public static void Encoding(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[2], Lookup.NoTouch);
        if (!k.Exists) ctx.Writer.WriteNullBulk();
        else ctx.Writer.WriteBulkString(EncodingOf(k));
    }

    public static void RefCount(ref CommandContext ctx)
    {
        long refs;
        {
            using var k = ctx.Open(ctx.Args[2], Lookup.NoTouch);
            if (!k.Exists)
            {
                ctx.Writer.WriteNullBulk();
                return;
            }
            refs = k.IsString && IsIntEncoded(k, out long n) && n >= 0 && n < SharedIntegers ? SharedRefCount : 1;
        }
        ctx.Writer.WriteInteger(refs);
    }

    /// <summary>Seconds since the key was last read or written. Not tracked under an LFU policy, as in Redis.</summary>
    public static void IdleTime(ref CommandContext ctx)
    {
        uint lastAccess;
        {
            using var k = ctx.Open(ctx.Args[2], Lookup.NoTouch);
            if (!k.Exists)
            {
                ctx.Writer.WriteNullBulk();
                return;
            }
            lastAccess = k.LastAccess;
        }
        if (IsLfuPolicy(ctx.Server))
        {
            ctx.Writer.WriteError(RespErrors.IdleTimeUnderLfu);
            return;
        }
        long nowSeconds = ctx.NowMs / 1000;
        // 0 means "never stamped" (a family that created the key without setting it): report it as fresh.
        ctx.Writer.WriteInteger(lastAccess == 0 ? 0 : Math.Max(0, nowSeconds - lastAccess));
    }

    /// <summary>The key's logarithmic access counter after decay (what allkeys-lfu/volatile-lfu compare); Redis's
    /// error under any other policy.</summary>
    public static void Freq(ref CommandContext ctx)
    {
        int counter;
        {
            using var k = ctx.Open(ctx.Args[2], Lookup.NoTouch);
            if (!k.Exists)
            {
                ctx.Writer.WriteNullBulk();
                return;
            }
            counter = k.LfuCounter;
        }
        if (!IsLfuPolicy(ctx.Server)) ctx.Writer.WriteError(RespErrors.LfuNotSelected);
        else ctx.Writer.WriteInteger(counter);
    }

    public static void Help(ref CommandContext ctx)
    {
        ctx.Writer.WriteArrayHeader(HelpLines.Length);
        foreach (var line in HelpLines) ctx.Writer.WriteSimpleString(line);
    }

    /// <summary>The name Redis 7.0 gives the value's representation.</summary>
    internal static ReadOnlySpan<byte> EncodingOf(in KeyHandle k)
    {
        if (k.IsString)
        {
            if (IsIntEncoded(k, out _)) return "int"u8;
            return k.StringLength <= EmbStrLimit ? "embstr"u8 : "raw"u8;
        }
        if (k.Value is IObjectEncoding reporter) return reporter.ObjectEncoding;
        // Families that do not report their encoding get the name Redis 7.0 uses for a small value of that kind.
        return k.Kind switch
        {
            ValueKind.Hash => "listpack"u8,
            ValueKind.List => "quicklist"u8,
            ValueKind.Set => "hashtable"u8,
            ValueKind.SortedSet => "listpack"u8,
            ValueKind.Stream => "stream"u8,
            _ => "raw"u8,
        };
    }

    /// <summary>Redis stores a string as an integer when it is the canonical form of a 64-bit integer (string2l).</summary>
    internal static bool IsIntEncoded(in KeyHandle k, out long value)
    {
        value = 0;
        return k.StringLength <= 20 && Numbers.TryParseInt64(k.String, out value);
    }

    private static bool IsLfuPolicy(ServerState server) => server.Options.Memory.Policy.UsesLfu();

    private static readonly byte[][] HelpLines =
    [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"u8.ToArray(),
        "ENCODING <key>"u8.ToArray(),
        "    Return the kind of internal representation used in order to store the value"u8.ToArray(),
        "    associated with a <key>."u8.ToArray(),
        "FREQ <key>"u8.ToArray(),
        "    Return the access frequency index of the <key>. The returned integer is"u8.ToArray(),
        "    proportional to the logarithm of the recent access frequency of the key."u8.ToArray(),
        "IDLETIME <key>"u8.ToArray(),
        "    Return the idle time of the <key>, that is the approximated number of"u8.ToArray(),
        "    seconds elapsed since the last access to the key."u8.ToArray(),
        "REFCOUNT <key>"u8.ToArray(),
        "    Return the number of references of the value associated with the specified"u8.ToArray(),
        "    <key>."u8.ToArray(),
        "HELP"u8.ToArray(),
        "    Prints this help."u8.ToArray(),
    ];
}
