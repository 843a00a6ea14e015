using System.Buffers.Text;

namespace FastNode.Server.Persistence;

/// <summary>
/// One change record being built: a RESP array of bulk strings (the form Redis propagates to its AOF and replicas),
/// written into a per-thread scratch buffer so that building a record allocates nothing and holds no lock. Append it
/// with <see cref="ChangeFeed.Append"/> (or <c>CommandContext.Emit</c>) before building another on the same thread.
/// </summary>
public ref struct ChangeRecord
{
    [ThreadStatic] private static byte[]? t_scratch;

    private byte[] _buffer;
    private int _length;
    private int _remaining;

    /// <summary>Starts a record of exactly <paramref name="argumentCount"/> arguments (the command name included).</summary>
    public ChangeRecord(int argumentCount)
    {
        _buffer = t_scratch ??= new byte[256];
        _length = 0;
        _remaining = argumentCount;
        Header((byte)'*', argumentCount);
    }

    public readonly bool Complete => _remaining == 0;

    public readonly ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    public void Add(scoped ReadOnlySpan<byte> argument)
    {
        _remaining--;
        Header((byte)'$', argument.Length);
        Ensure(argument.Length + 2);
        argument.CopyTo(_buffer.AsSpan(_length));
        _length += argument.Length;
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
    }

    public void Add(long number)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(number, digits, out int n);
        Add(digits.Slice(0, n));
    }

    public void Add(double number)
    {
        Span<byte> text = stackalloc byte[40];
        int n = FastNode.Protocol.RespWriter.FormatDouble(number, text);
        Add(text.Slice(0, n));
    }

    private void Header(byte kind, int value)
    {
        Ensure(24);
        _buffer[_length++] = kind;
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out int n);
        _length += n;
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        var larger = new byte[Math.Max(_buffer.Length * 2, _length + more)];
        _buffer.AsSpan(0, _length).CopyTo(larger);
        _buffer = larger;
        // Keep the larger buffer unless it is huge (a one-off 512 MB value must not stay pinned to the thread).
        if (larger.Length <= 1 << 20) t_scratch = larger;
    }
}
