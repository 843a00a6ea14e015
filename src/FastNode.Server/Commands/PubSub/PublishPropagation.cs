using System.Buffers;
using System.Buffers.Text;

namespace FastNode.Server.Commands.PubSub;

/// <summary>
/// PUBLISH / SPUBLISH on a primary with replicas: the call goes into the replication stream as it was received
/// (Redis's PROPAGATE_REPL), to the backlog and the replicas only, never to the AOF. Under the write gate, like every
/// record, so it can never land inside another client's MULTI ... EXEC.
/// </summary>
internal static class PublishPropagation
{
    public static void Relay(ref CommandContext ctx)
    {
        var server = ctx.Server;
        if (server.Replication.Backlog is null || server.Replication.IsReplica) return;
        var args = ctx.Args;
        int size = 16;
        for (int i = 0; i < args.Count; i++) size += 16 + args[i].Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var span = buffer.AsSpan();
            int pos = WriteHeader(span, (byte)'*', args.Count);
            for (int i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                pos += WriteHeader(span[pos..], (byte)'$', arg.Length);
                arg.CopyTo(span[pos..]);
                pos += arg.Length;
                span[pos++] = (byte)'\r';
                span[pos++] = (byte)'\n';
            }
            ctx.EnterWriteGate();
            server.Feed.Relay(span[..pos], replicationOnly: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int WriteHeader(Span<byte> span, byte prefix, int count)
    {
        span[0] = prefix;
        Utf8Formatter.TryFormat(count, span[1..], out int digits);
        span[1 + digits] = (byte)'\r';
        span[2 + digits] = (byte)'\n';
        return 3 + digits;
    }
}
