using System.Buffers;

namespace FastNode.Protocol;

/// <summary>
/// Reads commands from a connection's input, one per call, without copying in the common case.
///
/// A command that lies wholly inside the first segment of the input is parsed in place. A command that is cut
/// by a segment boundary, or that is larger than <see cref="CarryThreshold"/>, moves (with everything after it)
/// into a carry-over buffer owned by this reader, and parsing continues there. That keeps two promises:
/// 1. the input pipe is always drained past small partial requests, so a 512 MB argument never waits on the
///    pipe's pause threshold;
/// 2. the arguments of one command are always one contiguous span, whatever the segmentation.
/// A multibulk request that is still incomplete keeps its parse progress (<see cref="MultiBulkProgress"/>), so a request
/// arriving in many reads is scanned once overall, not once per read.
///
/// One instance per connection; not thread-safe. The returned <see cref="CommandArgs"/> are valid until the next call.
/// </summary>
public sealed class CommandReader(ProtocolLimits limits)
{
    /// <summary>A partial request up to this size stays in the pipe, waiting for the rest, instead of being copied.</summary>
    public const int CarryThreshold = 16 * 1024;

    private const int RetainedCarryCapacity = 64 * 1024;

    private const int MaxPooledCarry = 1024 * 1024;

    private readonly ArgRangeList _args = new();
    private byte[] _inlineScratch = [];
    private byte[] _carry = [];
    private bool _carryPooled;
    private int _carryStart;
    private int _carryEnd;
    private long _carryNeeded;
    private MultiBulkProgress _progress;

    /// <summary>False while the server requires AUTH and this client has not given it: smaller limits apply.</summary>
    public bool Authenticated { get; set; } = true;

    /// <summary>Parse attempts so far.</summary>
    internal long ParseCalls { get; private set; }

    /// <summary>
    /// Sum over parse attempts of the bytes from where the attempt resumed to the end of its input: what re-scanning
    /// costs. Tests check it stays near the request size for a request that arrives in thousands of reads.
    /// </summary>
    internal long ParsedBytes { get; private set; }

    /// <summary>Bytes held in the carry-over buffer (part of a request not yet complete).</summary>
    public int PendingBytes => _carryEnd - _carryStart;

    /// <summary>Bytes the carry-over buffer takes now, used or not (INFO mem_clients_normal, client eviction).</summary>
    public int BufferCapacity => _carry.Length;

    /// <summary>
    /// Told of every carry-over buffer too large for the pool when it is dropped (the request completed, or the
    /// client left): it lies on the large object heap, which only a full collection gives back to the OS.
    /// </summary>
    public Action<long>? LargeBufferReleased { get; set; }

    /// <summary>
    /// Reads the next command. <paramref name="input"/> is advanced past whatever this reader consumed or carried over;
    /// what is left of it must stay in the pipe. Returns false when more data is needed.
    /// Throws <see cref="RespProtocolException"/> on malformed input.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> input, out CommandArgs command)
    {
        // The previous command's arguments may point into the carry buffer: only now, when they are no longer valid,
        // may a drained carry buffer go back to the pool.
        if (_carryStart == _carryEnd && (_carryStart != 0 || _carry.Length > RetainedCarryCapacity)) ReleaseCarryIfLarge();
        while (true)
        {
            if (_carryEnd > _carryStart)
            {
                if (!TryReadCarried(ref input, out command, out bool empty)) return false;
                if (empty) continue;
                return true;
            }

            command = default;
            if (input.IsEmpty) return false;

            var first = input.FirstSpan;
            long needed = 0;
            // A sequence may start with an empty segment (a command cut at offset 0): it goes to the carry-over path.
            if (!first.IsEmpty)
            {
                if (Parse(first, out int consumed, out needed, out bool fromScratch) == ParseStatus.Complete)
                {
                    input = input.Slice(consumed);
                    if (_args.Count == 0) continue;
                    command = new CommandArgs(fromScratch ? _inlineScratch : first, _args.AsSpan());
                    return true;
                }
                if (input.IsSingleSegment && input.Length <= CarryThreshold) return false;
            }
            _carryNeeded = needed;
            Append(input);
            input = input.Slice(input.End);
        }
    }

    private bool TryReadCarried(ref ReadOnlySequence<byte> input, out CommandArgs command, out bool empty)
    {
        command = default;
        empty = false;
        if (!input.IsEmpty)
        {
            Append(input);
            input = input.Slice(input.End);
        }
        int available = _carryEnd - _carryStart;
        if (available < _carryNeeded || available == 0) return false;

        var span = _carry.AsSpan(_carryStart, available);
        if (Parse(span, out int consumed, out long needed, out bool fromScratch) == ParseStatus.Incomplete)
        {
            _carryNeeded = needed;
            Compact();
            return false;
        }
        _carryNeeded = 0;
        _carryStart += consumed;
        empty = _args.Count == 0;
        command = new CommandArgs(fromScratch ? _inlineScratch : span, _args.AsSpan());
        return true;
    }

    private ParseStatus Parse(ReadOnlySpan<byte> span, out int consumed, out long needed, out bool fromScratch)
    {
        ParseCalls++;
        if (span[0] == (byte)'*')
        {
            fromScratch = false;
            ParsedBytes += span.Length - _progress.Position;
            return RespRequestParser.TryParseMultiBulk(span, _args, limits, Authenticated, ref _progress, out consumed, out needed);
        }
        fromScratch = true;
        ParsedBytes += Math.Min(span.Length, ProtocolLimits.InlineMaxSize + 1);
        needed = span.Length + 1;
        return RespRequestParser.TryParseInline(span, _args, ref _inlineScratch, out consumed);
    }

    private void Append(in ReadOnlySequence<byte> data)
    {
        long total = (long)(_carryEnd - _carryStart) + data.Length;
        if (total > limits.MaxQueryBuffer || total > Array.MaxLength) RespProtocolException.ThrowQueryBufferLimit();
        if (_carryEnd + data.Length > _carry.Length)
        {
            Compact();
            if (_carryEnd + data.Length > _carry.Length)
            {
                // Grow with the bytes that arrived, doubling, never past what the request announced: a client that
                // sends `$536870912` and then nothing holds a few KB, not 512 MB (Redis preallocates big arguments,
                // but its malloc does not touch the pages; a .NET array is committed and zeroed at once).
                long announced = Math.Max(total, _carryNeeded);
                long wanted = Math.Max(total, Math.Min(Math.Max(_carry.Length * 2L, 4096), announced));
                wanted = Math.Min(Math.Max(wanted, 4096), Array.MaxLength);
                // Small buffers come from the shared pool; a big one (a large argument) is allocated at its exact size,
                // because the pool would round 512 MB up to 1 GB and then keep it after the command is done.
                bool pooled = wanted <= MaxPooledCarry;
                var bigger = pooled ? ArrayPool<byte>.Shared.Rent((int)wanted) : GC.AllocateUninitializedArray<byte>((int)wanted);
                _carry.AsSpan(_carryStart, _carryEnd - _carryStart).CopyTo(bigger);
                ReturnCarry();
                _carry = bigger;
                _carryPooled = pooled;
                _carryEnd -= _carryStart;
                _carryStart = 0;
            }
        }
        data.CopyTo(_carry.AsSpan(_carryEnd));
        _carryEnd += (int)data.Length;
    }

    private void Compact()
    {
        if (_carryStart == 0) return;
        int length = _carryEnd - _carryStart;
        _carry.AsSpan(_carryStart, length).CopyTo(_carry);
        _carryStart = 0;
        _carryEnd = length;
    }

    private void ReleaseCarryIfLarge()
    {
        _carryStart = _carryEnd = 0;
        if (_carry.Length > RetainedCarryCapacity)
        {
            ReturnCarry();
            _carry = [];
        }
        _args.TrimExcess();
    }

    private void ReturnCarry()
    {
        if (_carryPooled) ArrayPool<byte>.Shared.Return(_carry);
        else if (_carry.Length > MaxPooledCarry) LargeBufferReleased?.Invoke(_carry.Length);
        _carryPooled = false;
    }

    /// <summary>
    /// Drops a large carry-over buffer once nothing is pending in it. Call between batches (the last command's
    /// arguments are dead then): otherwise a 512 MB request's buffer would stay until the client's next request.
    /// </summary>
    public void ReleaseIdleBuffer()
    {
        if (_carryStart == _carryEnd && _carry.Length > RetainedCarryCapacity) ReleaseCarryIfLarge();
    }

    /// <summary>Gives pooled memory back when the connection closes.</summary>
    public void Reset()
    {
        ReturnCarry();
        _carry = [];
        _carryStart = _carryEnd = 0;
        _carryNeeded = 0;
        _progress = default;
        _args.Clear();
        _inlineScratch = [];
    }
}
