using System.Text;
using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.HyperLogLog;

/// <summary>PFDEBUG GETREG|DECODE|ENCODING|TODENSE key and PFSELFTEST: Redis's tools for looking inside an HLL.</summary>
public static class HllDebugCommands
{
    public static void PfDebug(ref CommandContext ctx)
    {
        var sub = ctx.Args[1];
        var k = ctx.Open(ctx.Args[2], Lookup.Write);
        try
        {
            // Only GETREG and TODENSE of a sparse HLL change it (they make it dense) and are propagated.
            ctx.SkipPropagation();
            if (!k.Exists)
            {
                ctx.Writer.WriteError("ERR The specified key does not exist");
                return;
            }
            if (!HllCommands.IsHllOrReply(ref ctx, in k)) return;
            bool sparse = k.String[4] == Hll.Sparse;
            if (Ascii.EqualsIgnoreCase(sub, "GETREG"u8))
            {
                if (sparse && !Convert(ref ctx, ref k)) return;
                var registers = k.String.Slice(Hll.HeaderSize);
                ctx.Writer.WriteArrayHeader(Hll.Registers);
                for (int i = 0; i < Hll.Registers; i++) ctx.Writer.WriteInteger(Hll.DenseGet(registers, i));
            }
            else if (Ascii.EqualsIgnoreCase(sub, "DECODE"u8))
            {
                if (!sparse) ctx.Writer.WriteError("ERR HLL encoding is not sparse");
                else ctx.Writer.WriteBulkString(Decode(k.String));
            }
            else if (Ascii.EqualsIgnoreCase(sub, "ENCODING"u8)) ctx.Writer.WriteSimpleString(sparse ? "sparse"u8 : "dense"u8);
            else if (Ascii.EqualsIgnoreCase(sub, "TODENSE"u8))
            {
                if (sparse && !Convert(ref ctx, ref k)) return;
                ctx.Writer.WriteRaw(sparse ? RespReplies.One : RespReplies.Zero);
            }
            else ctx.Writer.WriteError($"ERR Unknown PFDEBUG subcommand '{Encoding.UTF8.GetString(sub)}'");
        }
        finally
        {
            k.Dispose();
        }
    }

    private static bool Convert(ref CommandContext ctx, ref KeyHandle k)
    {
        if (!HllCommands.ToDense(ref k))
        {
            ctx.Writer.WriteError(HllCommands.Corrupt);
            return false;
        }
        ctx.Propagated = false;
        return true;
    }

    /// <summary>The sparse opcodes as Redis prints them: "z:len", "Z:len" (XZERO), "v:value,len", space-separated.</summary>
    private static string Decode(ReadOnlySpan<byte> value)
    {
        var text = new StringBuilder();
        for (int p = Hll.HeaderSize; p < value.Length;)
        {
            byte op = value[p];
            if (text.Length > 0) text.Append(' ');
            if ((op & 0xC0) == 0)
            {
                text.Append("z:").Append((op & 0x3F) + 1);
                p++;
            }
            else if ((op & 0xC0) == 0x40)
            {
                int next = p + 1 < value.Length ? value[p + 1] : 0;
                text.Append("Z:").Append((((op & 0x3F) << 8) | next) + 1);
                p += 2;
            }
            else
            {
                text.Append("v:").Append(((op >> 2) & 0x1F) + 1).Append(',').Append((op & 3) + 1);
                p++;
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// PFSELFTEST: the registers keep what is written without disturbing their neighbours, and the estimates of a
    /// dense and a sparse HLL fed the same elements agree and stay within six standard errors, at 1, 10, ... 10^7.
    /// </summary>
    public static void PfSelfTest(ref CommandContext ctx)
    {
        string? failure = SelfTest.Run(ctx.Server.Options.HllSparseMaxBytes);
        if (failure is null) ctx.Writer.WriteRaw(RespReplies.Ok);
        else ctx.Writer.WriteError(failure);
    }
}
