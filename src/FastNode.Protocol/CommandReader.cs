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
///
/// One instance per connection; not thread-safe. The returned <see cref="CommandArgs"/> are valid until the next call.
/// </summary>
public sealed class CommandReader(ProtocolLimits limits)
{
    /// <summary>A partial request up to this size stays in the pipe, waiting for the rest, instead of being copied.</summary>
    public const int CarryThreshold = 16 * 1024;

    private const int RetainedCarryCapacity = 64 * 1024;

    private readonly ArgRangeList _args = new();
    private byte[] _inlineScratch = [];
    private byte[] _carry = [];
    private int _carryStart;
    private int _carryEnd;
    private long _carryNeeded;

    /// <summary>False while the server requires AUTH and this client has not given it: smaller limits apply.</summary>
    public bool Authenticated { get; set; } = true;

    /// <summary>Bytes held in the carry-over buffer (part of a request not yet complete).</summary>
    public int PendingBytes => _carryEnd - _carryStart;

    /// <summary>
    /// Reads the next command. <paramref name="input"/> is advanced past whatever this reader consumed or carried over;
    /// what is left of it must stay in the pipe. Returns false when more data is needed.
    /// Throws <see cref="RespProtocolException"/> on malformed input.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> input, out CommandArgs command)
    {
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
            var status = Parse(first, out int consumed, out long needed, out bool fromScratch);
            if (status == ParseStatus.Complete)
            {
                input = input.Slice(consumed);
                if (_args.Count == 0) continue;
                command = new CommandArgs(fromScratch ? _inlineScratch : first, _args.AsSpan());
                return true;
            }

            if (input.IsSingleSegment && input.Length <= CarryThreshold) return false;
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
        if (_carryStart == _carryEnd) ReleaseCarryIfLarge();
        empty = _args.Count == 0;
        command = new CommandArgs(fromScratch ? _inlineScratch : span, _args.AsSpan());
        return true;
    }

    private ParseStatus Parse(ReadOnlySpan<byte> span, out int consumed, out long needed, out bool fromScratch)
    {
        if (span[0] == (byte)'*')
        {
            fromScratch = false;
            return RespRequestParser.TryParseMultiBulk(span, _args, limits, Authenticated, out consumed, out needed);
        }
        fromScratch = true;
        needed = span.Length + 1;
        return RespRequestParser.TryParseInline(span, _args, ref _inlineScratch, out consumed);
    }

    private void Append(in ReadOnlySequence<byte> data)
    {
        long total = (long)(_carryEnd - _carryStart) + data.Length;
        if (total > limits.MaxQueryBuffer) RespProtocolException.ThrowQueryBufferLimit();
        if (_carryEnd + data.Length > _carry.Length)
        {
            Compact();
            if (_carryEnd + data.Length > _carry.Length)
            {
                long wanted = Math.Max(Math.Max(total, _carryNeeded), Math.Min(_carry.Length * 2L, limits.MaxQueryBuffer));
                wanted = Math.Min(Math.Max(wanted, 4096), Array.MaxLength);
                var bigger = ArrayPool<byte>.Shared.Rent((int)wanted);
                _carry.AsSpan(_carryStart, _carryEnd - _carryStart).CopyTo(bigger);
                ReturnCarry();
                _carry = bigger;
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
        if (_carry.Length > 0) ArrayPool<byte>.Shared.Return(_carry);
    }

    /// <summary>Gives pooled memory back when the connection closes.</summary>
    public void Reset()
    {
        ReturnCarry();
        _carry = [];
        _carryStart = _carryEnd = 0;
        _carryNeeded = 0;
        _inlineScratch = [];
    }
}
