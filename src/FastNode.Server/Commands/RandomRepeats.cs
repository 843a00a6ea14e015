using FastNode.Protocol;

namespace FastNode.Server.Commands;

/// <summary>HRANDFIELD, SRANDMEMBER and ZRANDMEMBER with a negative count: elements that may repeat.</summary>
internal static class RandomRepeats
{
    /// <summary>Largest |count| served: a reply of up to 2^30 elements (pairs counted twice).</summary>
    public const long Max = int.MaxValue / 2;

    /// <summary>
    /// False, after answering "value is out of range", when <paramref name="count"/> is above <see cref="Max"/>. Redis
    /// would start streaming billions of elements and run out of memory; we refuse instead (deliberate difference).
    /// </summary>
    public static bool Allowed(ref CommandContext ctx, long count)
    {
        if (count <= Max) return true;
        ctx.Writer.WriteError(RespErrors.ValueOutOfRange);
        return false;
    }
}
