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
                replica.WaitsForFirstAck = replica.CapaEof;
                bool sent = replica.CapaEof
                    ? await SendStreamingAsync(capture, output, stopped).ConfigureAwait(false)
                    : await SendBufferedAsync(capture, output, stopped).ConfigureAwait(false);
                replica.Capture = null;
                if (!sent || replica.RdbOnly) return;
                replica.AckTimeMs = server.NowMs;
                replica.State = "online";
            }

            var spare = new ArrayBufferWriter<byte>(64 * 1024);
            Task<ReadResult>? pendingRead = null;
            long lastSend = 0;
            while (!stopped() && !replica.Dropped)
            {
                pendingRead ??= input.ReadAsync().AsTask();
                // After a "$EOF:" snapshot the replica cannot tell where the snapshot ends if stream bytes follow the mark
                // in the same read: as Redis does, the stream starts once the replica's first REPLCONF ACK says it loaded.
                var data = replica.WaitsForFirstAck ? pendingRead : replica.WaitAsync();
                var first = await Task.WhenAny(pendingRead, data).ConfigureAwait(false);
                if (first == pendingRead)
                {
                    var read = await pendingRead.ConfigureAwait(false);
                    pendingRead = null;
                    var buffer = read.Buffer;
                    var remaining = buffer;
                    var close = processor.Process(ref remaining, Dropped);
                    processor.Session.InputBytes += buffer.Length - remaining.Length;   // CLIENT LIST qbuf= of the replica
                    input.AdvanceTo(remaining.Start, buffer.End);
                    if (read.IsCompleted || read.IsCanceled || close is not null) break;
                }
                if (replica.Dropped) break;
                if (replica.WaitsForFirstAck) continue;
                // Under a steady write load, one send per millisecond at most: the records of many batches go out
                // together (Redis writes to replicas once per event-loop turn). An isolated write goes at once, and so
                // does everything while lock changes wait for acknowledgements (lock-replication majority): their
                // clients wait for this send.
                long sinceLast = System.Diagnostics.Stopwatch.GetTimestamp() - lastSend;
                if (sinceLast < System.Diagnostics.Stopwatch.Frequency / 1000 && !server.LockReplication.HasWaits) await Task.Delay(1).ConfigureAwait(false);
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

    /// <summary>
    /// The diskless form for a replica that announced capa eof: "$EOF:&lt;40 random characters&gt;", the snapshot as it is
    /// encoded, then the same 40 characters. Memory stays bounded by a small pipe between the encoding thread and this
    /// loop, whatever the dataset's size. Returns false when the connection ended.
    /// </summary>
    private static async Task<bool> SendStreamingAsync(Snapshots.SnapshotCapture capture, PipeWriter output, Func<bool> stopped)
    {
        var mark = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)));
        output.Write("$EOF:"u8);
        output.Write(mark);
        output.Write("\r\n"u8);
        var between = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        var encoding = Task.Factory.StartNew(() =>
        {
            using var stream = between.Writer.AsStream();
            try
            {
                capture.WriteTo(stream);
            }
            finally
            {
                between.Writer.Complete();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool open = true;
        while (open)
        {
            var read = await between.Reader.ReadAsync().ConfigureAwait(false);
            foreach (var segment in read.Buffer) output.Write(segment.Span);
            between.Reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted) break;
            open = !(await output.FlushAsync().ConfigureAwait(false)).IsCompleted && !stopped();
        }
        // A replica that went away mid-transfer: stop the encoder (its next write fails), then wait for it.
        between.Reader.Complete();
        try
        {
            await encoding.ConfigureAwait(false);
        }
        catch (Exception) when (!open)
        {
            return false;
        }
        if (!open) return false;
        output.Write(mark);
        return !(await output.FlushAsync().ConfigureAwait(false)).IsCompleted;
    }

    /// <summary>
    /// "$&lt;length&gt;" and the snapshot, for a replica without capa eof (SYNC, old replicas): the length must come first,
    /// so the snapshot is encoded into memory whole. Meanwhile, as Redis does, a bare newline goes out every second,
    /// which the replica skips, so its repl-timeout measures silence rather than the time the snapshot takes.
    /// </summary>
    private static async Task<bool> SendBufferedAsync(Snapshots.SnapshotCapture capture, PipeWriter output, Func<bool> stopped)
    {
        var payload = new MemoryStream();
        var encoding = Task.Factory.StartNew(() => capture.WriteTo(payload), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        while (await Task.WhenAny(encoding, Task.Delay(1000)).ConfigureAwait(false) != encoding)
        {
            if (stopped()) break;
            output.Write("\n"u8);
            if ((await output.FlushAsync().ConfigureAwait(false)).IsCompleted) break;
        }
        await encoding.ConfigureAwait(false);
        output.Write(Encoding.ASCII.GetBytes("$" + payload.Length.ToString(CultureInfo.InvariantCulture) + "\r\n"));
        output.Write(payload.GetBuffer().AsSpan(0, (int)payload.Length));
        return !(await output.FlushAsync().ConfigureAwait(false)).IsCompleted;
    }
}
