using System.Globalization;
using System.Text;
using FastNode.Protocol;
using FastNode.Server.Commands.Keys;
using FastNode.Server.Persistence.Rdb;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Lists;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// DEBUG OBJECT key: Redis 7.0's one status line, "Value at:&lt;address&gt; refcount:&lt;n&gt; encoding:&lt;name&gt;
/// serializedlength:&lt;bytes&gt; lru:&lt;clock&gt; lru_seconds_idle:&lt;seconds&gt;", plus the quicklist fields for a
/// list. Each value is FastNode's own: the address is a stable stand-in (values have no fixed address in .NET),
/// refcount and encoding are OBJECT REFCOUNT's and OBJECT ENCODING's, serializedlength is the value's RDB encoding
/// (as DUMP writes it, rdbcompression applied), lru is the last access in Redis's 24-bit seconds clock. For a list,
/// ql_nodes counts FastNode's storage blocks (one packed block, or one array per element once the list is large).
/// </summary>
public static class DebugObject
{
    /// <summary>Redis's LRU clock: seconds, kept in 24 bits (LRU_CLOCK_MAX).</summary>
    private const uint LruClockMask = (1u << 24) - 1;

    public static void Run(ref CommandContext ctx, ReadOnlySpan<byte> key)
    {
        var server = ctx.Server;
        var clock = RdbClock.Of(server);
        var buffer = new RdbBuffer(256) { Compress = server.Options.RdbCompression };
        string line;
        {
            using var k = ctx.Open(key, Lookup.NoTouch);
            if (!k.Exists)
            {
                ctx.Writer.WriteError(RespErrors.NoSuchKey);
                return;
            }
            long refCount = k.IsString && ObjectCommands.IsIntEncoded(k, out long n) && n >= 0 && n < ObjectCommands.SharedIntegers
                ? ObjectCommands.SharedRefCount : 1;
            string encoding = Encoding.ASCII.GetString(ObjectCommands.EncodingOf(k));
            long serialized = 0;
            if (RdbValueEncoder.CanWrite(k.Kind))
            {
                RdbKeyStore.WriteObject(buffer, k, clock);
                serialized = buffer.Length - 1;   // Redis's rdbSavedObjectLen leaves out the type byte
            }
            uint lastAccess = k.LastAccess;
            long idle = lastAccess == 0 ? 0 : Math.Max(0, ctx.NowMs / 1000 - lastAccess);
            var inv = CultureInfo.InvariantCulture;
            var sb = new StringBuilder(160);
            sb.Append("Value at:0x").Append((k.Hash & 0xFFFF_FFFF_FFFFUL).ToString("x12", inv))
              .Append(" refcount:").Append(refCount.ToString(inv))
              .Append(" encoding:").Append(encoding)
              .Append(" serializedlength:").Append(serialized.ToString(inv))
              .Append(" lru:").Append((lastAccess & LruClockMask).ToString(inv))
              .Append(" lru_seconds_idle:").Append(idle.ToString(inv));
            if (k.Value is ListValue list) AppendQuicklist(sb, list, server);
            line = sb.ToString();
        }
        ctx.Writer.WriteSimpleString(Encoding.UTF8.GetBytes(line));
    }

    /// <summary>Redis's quicklist fields, from FastNode's list layout (it does not compress nodes: ql_compressed is 0).</summary>
    private static void AppendQuicklist(StringBuilder sb, ListValue list, ServerState server)
    {
        var inv = CultureInfo.InvariantCulture;
        int count = list.Count;
        long nodes = count == 0 ? 0 : list.IsPacked ? 1 : count;
        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            int length = list.Get(i).Length;
            bytes += list.IsPacked ? ListValue.PackedSize(length) : length;
        }
        string fill = server.Config.TryGet("list-max-listpack-size", out var setting) ? setting.Get() : "-2";
        sb.Append(" ql_nodes:").Append(nodes.ToString(inv))
          .Append(" ql_avg_node:").Append((nodes == 0 ? 0 : (double)count / nodes).ToString("F2", inv))
          .Append(" ql_listpack_max:").Append(fill)
          .Append(" ql_compressed:0")
          .Append(" ql_uncompressed_size:").Append(bytes.ToString(inv));
    }
}
