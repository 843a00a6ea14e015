using System.Buffers;

namespace FastNode.Server.Network;

/// <summary>Swallows output: replies of a client that said CLIENT REPLY OFF/SKIP, and benchmark sinks.</summary>
public sealed class NullBufferWriter : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[4096];

    public long BytesWritten { get; private set; }

    public void Advance(int count) => BytesWritten += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => GetBuffer(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => GetBuffer(sizeHint);

    private byte[] GetBuffer(int sizeHint)
    {
        if (sizeHint > _buffer.Length) _buffer = new byte[sizeHint];
        return _buffer;
    }
}
