using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using FastNode.Server.Network;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// The loop of a connection once it became a replica (after PSYNC/SYNC): sends the snapshot of a full sync, then the
/// stream as the <see cref="ReplicaFeed"/> buffers it, and reads what the replica sends (REPLCONF ACK) through the
/// same command processor with its replies dropped, as Redis never answers a replica. Only this loop writes to the
/// connection's output.
/// </summary>
public static class ReplicaStreamer
{
    private static readonly NullBufferWriter Dropped = new();

    /// <param name="stopped">True once the connection must end (killed, shutting down).</param>
    public static async Task RunAsync(ServerState server, ReplicaFeed replica, PipeReader input, PipeWriter output,
        CommandProcessor processor, Func<bool> stopped)
    {
        try
        {
            if (replica.Capture is { } capture)
            {
                replica.State = "send_bulk";
                var payload = new MemoryStream();
                var encoding = Task.Factory.StartNew(() => capture.WriteTo(payload), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
                // As Redis while it prepares the snapshot: a bare newline every second, which the replica skips, so
                // its repl-timeout measures silence rather than the time the snapshot takes.
                while (await Task.WhenAny(encoding, Task.Delay(1000)).ConfigureAwait(false) != encoding)
                {
                    if (stopped()) break;
                    output.Write("\n"u8);
                    if ((await output.FlushAsync().ConfigureAwait(false)).IsCompleted) break;
                }
                await encoding.ConfigureAwait(false);
                replica.Capture = null;
                var header = Encoding.ASCII.GetBytes("$" + payload.Length.ToString(CultureInfo.InvariantCulture) + "\r\n");
                output.Write(header);
                output.Write(payload.GetBuffer().AsSpan(0, (int)payload.Length));
                var sent = await output.FlushAsync().ConfigureAwait(false);
                if (sent.IsCompleted || replica.RdbOnly) return;
                replica.AckTimeMs = server.NowMs;
                replica.State = "online";
            }

            var spare = new ArrayBufferWriter<byte>(64 * 1024);
            Task<ReadResult>? pendingRead = null;
            long lastSend = 0;
            while (!stopped() && !replica.Dropped)
            {
                pendingRead ??= input.ReadAsync().AsTask();
                var data = replica.WaitAsync();
                var first = await Task.WhenAny(pendingRead, data).ConfigureAwait(false);
                if (first == pendingRead)
                {
                    var read = await pendingRead.ConfigureAwait(false);
                    pendingRead = null;
                    var buffer = read.Buffer;
                    var remaining = buffer;
                    var close = processor.Process(ref remaining, Dropped);
                    input.AdvanceTo(remaining.Start, buffer.End);
                    if (read.IsCompleted || read.IsCanceled || close is not null) break;
                }
                if (replica.Dropped) break;
                // Under a steady write load, one send per millisecond at most: the records of many batches go out
                // together (Redis writes to replicas once per event-loop turn). An isolated write goes at once.
                long sinceLast = System.Diagnostics.Stopwatch.GetTimestamp() - lastSend;
                if (sinceLast < System.Diagnostics.Stopwatch.Frequency / 1000) await Task.Delay(1).ConfigureAwait(false);
                var pending = replica.Take(spare);
                if (pending.WrittenCount > 0)
                {
                    output.Write(pending.WrittenSpan);
                    lastSend = System.Diagnostics.Stopwatch.GetTimestamp();
                    var flush = await output.FlushAsync().ConfigureAwait(false);
                    if (flush.IsCompleted) break;
                }
                spare = pending;
            }
            if (pendingRead is not null)
            {
                input.CancelPendingRead();
                var read = await pendingRead.ConfigureAwait(false);
                input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        finally
        {
            if (replica.Dropped)
            {
                server.Loggers.CreateLogger("FastNode.Replication").LogWarning(
                    "Replica {Ip}:{Port} disconnected: its output buffer passed the replica limit, or it timed out", replica.Ip, replica.ListeningPort);
            }
            server.Replication.Detach(replica);
        }
    }
}
