using System.Buffers;
using System.Buffers.Text;

namespace FastNode.Server.PubSub;

/// <summary>
/// One published message as its subscribers receive it, encoded once in RESP2's shape (`*3 message channel payload`,
/// `*4 pmessage pattern channel payload`, `*3 smessage channel payload`) and shared by every subscriber's queue: a
/// RESP3 subscriber gets the same bytes with '&gt;' in place of the leading '*' (<see cref="WriteTo"/>).
///
/// Reference counted, and pooled so that a PUBLISH allocates nothing: the publisher holds one reference while it fans
/// out, each queue entry holds one, and the last <see cref="Release"/> puts the object back in the pool of its size
/// class, buffer included. Size classes are powers of two from 64 bytes to 8 KB, each keeping up to
/// <see cref="MaxPooledPerClass"/> objects (at most 4 MB kept in all); bigger frames rent from
/// <see cref="ArrayPool{T}.Shared"/> and their objects are not kept. (ArrayPool.Shared alone is not enough: a batch of
/// 100 PUBLISHes holds 100 buffers of one size until the subscriber drains them, more than its per-core stacks keep.)
/// What must stay true: every reference taken (<see cref="AddRefs"/>) is released exactly once, and nobody reads
/// <see cref="Bytes"/> after its own release.
/// </summary>
public sealed class PubSubMessage
{
    private const int MinClassShift = 6;     // 64 bytes
    private const int MaxClassShift = 13;    // 8 KB
    private const int MaxPooledPerClass = 256;

    private static readonly Lock s_poolLock = new();
    private static readonly PubSubMessage[][] s_pools = CreatePools();
    private static readonly int[] s_pooled = new int[MaxClassShift - MinClassShift + 1];

    /// <summary>The encoded frame; only the first <see cref="_length"/> bytes are the message.</summary>
    private byte[] _buffer;
    /// <summary>Length of the frame in <see cref="_buffer"/>.</summary>
    private int _length;
    /// <summary>Live references: the publisher's plus one per queue entry; 0 while in the pool.</summary>
    private int _refs;
    /// <summary>The size class of <see cref="_buffer"/>, or -1 for a buffer rented from ArrayPool.Shared.</summary>
    private readonly int _sizeClass;
    /// <summary>A MONITOR line: a status reply, the same bytes in either protocol.</summary>
    private bool _status;

    private PubSubMessage(byte[] buffer, int sizeClass)
    {
        _buffer = buffer;
        _sizeClass = sizeClass;
    }

    /// <summary>The RESP2 frame (valid while the caller holds a reference).</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    public int Length => _length;

    /// <summary>`message` / `smessage` (<paramref name="kind"/>) for a channel: one reference, the caller's.</summary>
    public static PubSubMessage Create(ReadOnlySpan<byte> kind, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload)
    {
        int size = 4 + BulkSize(kind.Length) + BulkSize(channel.Length) + BulkSize(payload.Length);
        var message = Rent(size);
        var span = message._buffer.AsSpan();
        "*3\r\n"u8.CopyTo(span);
        int pos = 4;
        pos += WriteBulk(span[pos..], kind);
        pos += WriteBulk(span[pos..], channel);
        pos += WriteBulk(span[pos..], payload);
        message._length = pos;
        return message;
    }

    /// <summary>`pmessage pattern channel payload`: one reference, the caller's.</summary>
    public static PubSubMessage CreatePattern(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload)
    {
        int size = 4 + BulkSize(8) + BulkSize(pattern.Length) + BulkSize(channel.Length) + BulkSize(payload.Length);
        var message = Rent(size);
        var span = message._buffer.AsSpan();
        "*4\r\n"u8.CopyTo(span);
        int pos = 4;
        pos += WriteBulk(span[pos..], "pmessage"u8);
        pos += WriteBulk(span[pos..], pattern);
        pos += WriteBulk(span[pos..], channel);
        pos += WriteBulk(span[pos..], payload);
        message._length = pos;
        return message;
    }

    /// <summary>A frame built elsewhere (client tracking's invalidations), <paramref name="head"/> then <paramref name="body"/>: one reference, the caller's.</summary>
    public static PubSubMessage FromFrame(ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
        var message = Rent(head.Length + body.Length);
        head.CopyTo(message._buffer);
        body.CopyTo(message._buffer.AsSpan(head.Length));
        message._length = head.Length + body.Length;
        return message;
    }

    /// <summary>A MONITOR line, "+" + <paramref name="line"/> + CRLF: one reference, the caller's.</summary>
    public static PubSubMessage CreateStatus(ReadOnlySpan<byte> line)
    {
        var message = Rent(line.Length + 3);
        var span = message._buffer.AsSpan();
        span[0] = (byte)'+';
        line.CopyTo(span[1..]);
        span[line.Length + 1] = (byte)'\r';
        span[line.Length + 2] = (byte)'\n';
        message._length = line.Length + 3;
        message._status = true;
        return message;
    }

    /// <summary>Copies the frame into <paramref name="writer"/> in the subscriber's protocol.</summary>
    public void WriteTo(ref FastNode.Protocol.RespWriter writer)
    {
        var bytes = Bytes;
        if (writer.Resp3 && !_status)
        {
            writer.WriteRaw(">"u8);
            writer.WriteRaw(bytes[1..]);
        }
        else
        {
            writer.WriteRaw(bytes);
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> references at once: a PUBLISH takes one per subscriber before it fans out (one
    /// atomic operation per message rather than per subscriber) and gives back the ones nobody took.
    /// </summary>
    public void AddRefs(int count) => Interlocked.Add(ref _refs, count);

    public void Release() => Release(1);

    public void Release(int count)
    {
        if (count != 0 && Interlocked.Add(ref _refs, -count) == 0) Return(this);
    }

    /// <summary>`$len\r\n` + the bytes + `\r\n`.</summary>
    private static int BulkSize(int length) => 1 + Digits(length) + 2 + length + 2;

    private static int Digits(int n)
    {
        int digits = 1;
        while (n >= 10)
        {
            n /= 10;
            digits++;
        }
        return digits;
    }

    private static int WriteBulk(Span<byte> span, ReadOnlySpan<byte> value)
    {
        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(value.Length, span[1..], out int digits);
        int pos = 1 + digits;
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        value.CopyTo(span[pos..]);
        pos += value.Length;
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        return pos;
    }

    private static PubSubMessage Rent(int size)
    {
        int shift = Math.Max(MinClassShift, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Max(1, size - 1)));
        PubSubMessage? message = null;
        if (shift <= MaxClassShift)
        {
            int sizeClass = shift - MinClassShift;
            lock (s_poolLock)
            {
                ref int pooled = ref s_pooled[sizeClass];
                if (pooled > 0)
                {
                    message = s_pools[sizeClass][--pooled];
                    s_pools[sizeClass][pooled] = null!;
                }
            }
            message ??= new PubSubMessage(new byte[1 << shift], sizeClass);
        }
        else
        {
            message = new PubSubMessage(ArrayPool<byte>.Shared.Rent(size), -1);
        }
        message._refs = 1;
        return message;
    }

    private static void Return(PubSubMessage message)
    {
        message._length = 0;
        message._status = false;
        if (message._sizeClass < 0)
        {
            ArrayPool<byte>.Shared.Return(message._buffer);
            message._buffer = [];
            return;
        }
        lock (s_poolLock)
        {
            ref int pooled = ref s_pooled[message._sizeClass];
            if (pooled < MaxPooledPerClass) s_pools[message._sizeClass][pooled++] = message;
        }
    }

    private static PubSubMessage[][] CreatePools()
    {
        var pools = new PubSubMessage[MaxClassShift - MinClassShift + 1][];
        for (int i = 0; i < pools.Length; i++) pools[i] = new PubSubMessage[MaxPooledPerClass];
        return pools;
    }
}
