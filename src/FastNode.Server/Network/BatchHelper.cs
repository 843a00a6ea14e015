using System.Buffers;
using System.Runtime.CompilerServices;
using FastNode.Protocol;

namespace FastNode.Server.Network;

/// <summary>
/// A second thread for deep pipelines (setting pipeline-helper). With one event loop thread a 2-core machine runs the
/// server on one core and the clients on the other, which is best until batches get deep (-P 64): then the loop
/// thread is the limit. A second loop (io-threads 2) would also compete with the clients on every small batch (p99 at
/// -P 16 went from 1.1 to 4.6 ms). Instead, a connection whose read holds a deep batch hands its execution to this
/// thread when it is idle, and the loop goes on with the other connections; small batches stay inline. One slot and
/// no queue: at most one more thread ever executes commands, and only when it is free.
/// </summary>
public sealed class BatchHelper
{
    /// <summary>Requests in one read from which a batch is worth a hand-off.</summary>
    public const int DeepBatchRequests = 32;

    // Reads under 1 KB are never handed off: at most 73 PINGs (14 bytes each) of work, and one length check keeps the
    // estimate off every small read.
    private const int MinDeepBatchBytes = 1024;

    private static readonly Lazy<BatchHelper> s_shared = new(() => new BatchHelper("FastNode pipeline helper"));

    private readonly object _gate = new();
    private Action? _work;
    private int _busy;

    public BatchHelper(string threadName)
    {
        var thread = new Thread(Run) { IsBackground = true, Name = threadName };
        thread.Start();
    }

    /// <summary>The process's helper (started on first use): servers in one process share it.</summary>
    public static BatchHelper Shared => s_shared.Value;

    /// <summary>
    /// Whether a read holds about <see cref="DeepBatchRequests"/> or more requests, estimated from the size of the
    /// first one. The count is what matters, not the bytes: the work of a batch grows with its requests, while the
    /// cost of moving it to the other core grows with its bytes (handing off 16 SETs of 1 KB took them from 1.4 to
    /// 2.0 CPU-us per request).
    /// </summary>
    public static bool IsDeep(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < MinDeepBatchBytes) return false;
        if (!RespKeyPeek.TryNext(buffer.FirstSpan, out int first, out _)) return false;
        return buffer.Length >= (long)first * DeepBatchRequests;
    }

    /// <summary>Takes the helper when it is idle. After a true, await <see cref="SwitchTo"/> exactly once.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>Awaiting this continues the caller on the helper thread (claimed first with <see cref="TryClaim"/>).</summary>
    public HandOff SwitchTo() => new(this);

    private void Run()
    {
        while (true)
        {
            Action work;
            // A plain monitor wait, no spinning: an idle helper takes no CPU from the clients.
            lock (_gate)
            {
                while (_work is null) Monitor.Wait(_gate);
                work = _work;
                _work = null;
            }
            try
            {
                work();
            }
            finally
            {
                // The continuation ran until its next pending await (the connection waits for bytes): free again.
                Volatile.Write(ref _busy, 0);
            }
        }
    }

    private void Post(Action continuation)
    {
        lock (_gate)
        {
            _work = continuation;
            Monitor.Pulse(_gate);
        }
    }

    public readonly struct HandOff : ICriticalNotifyCompletion
    {
        private readonly BatchHelper _helper;

        internal HandOff(BatchHelper helper) => _helper = helper;

        public HandOff GetAwaiter() => this;

        public bool IsCompleted => false;

        public void GetResult() { }

        public void OnCompleted(Action continuation) => _helper.Post(continuation);

        public void UnsafeOnCompleted(Action continuation) => _helper.Post(continuation);
    }
}
