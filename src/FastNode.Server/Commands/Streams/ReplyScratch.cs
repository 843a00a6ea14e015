using System.Buffers;

namespace FastNode.Server.Commands.Streams;

/// <summary>
/// A per-thread buffer to render part of a reply into when its length is only known afterwards (XREAD's count of
/// streams served) or when it is written later (a blocked reader served by another client's XADD). Reset before use;
/// the bytes are valid until the next reset on the same thread.
/// </summary>
internal sealed class ReplyScratch : IBufferWriter<byte>
{
    [ThreadStatic] private static ReplyScratch? t_instance;

    private byte[] _buffer = new byte[64 * 1024 + 1024];
    private int _length;

    public static ReplyScratch Take()
    {
        var scratch = t_instance ??= new ReplyScratch();
        scratch._length = 0;
        return scratch;
    }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_length);
    }

    private void Ensure(int sizeHint)
    {
        if (_buffer.Length - _length >= Math.Max(sizeHint, 1)) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + sizeHint));
    }
}
