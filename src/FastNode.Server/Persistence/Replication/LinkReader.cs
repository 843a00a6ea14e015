using System.Net.Sockets;
using System.Text;

namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// Buffered reads from the stream (plain or TLS) of a replica's link to its primary: reply lines during the handshake, the snapshot
/// payload, then raw chunks of the stream. Every receive is bounded by the timeout (repl-timeout). One reader thread.
/// </summary>
internal sealed class LinkReader(Stream stream, TimeSpan timeout, CancellationToken stop)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>Bytes received so far.</summary>
    public long Received { get; private set; }

    /// <summary>One line without its CR LF.</summary>
    public async Task<string> ReadLineAsync()
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end) await FillAsync().ConfigureAwait(false);
            int nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stopAt = nl < 0 ? _end : nl;
            for (int i = _start; i < stopAt; i++) line.Add(_buffer[i]);
            if (nl < 0)
            {
                _start = _end;
                if (line.Count > 64 * 1024) throw new IOException("reply line too long");
                continue;
            }
            _start = nl + 1;
            if (line.Count > 0 && line[^1] == '\r') line.RemoveAt(line.Count - 1);
            return Encoding.Latin1.GetString(line.ToArray());
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes into <paramref name="output"/>.</summary>
    public async Task CopyExactAsync(Stream output, long count)
    {
        while (count > 0)
        {
            if (_start == _end) await FillAsync().ConfigureAwait(false);
            int n = (int)Math.Min(count, _end - _start);
            output.Write(_buffer, _start, n);
            _start += n;
            count -= n;
        }
    }

    /// <summary>Bytes up to and including <paramref name="mark"/> (the "$EOF:" form); the mark is not copied.</summary>
    public async Task CopyUntilMarkAsync(MemoryStream output, byte[] mark)
    {
        while (true)
        {
            if (_start == _end) await FillAsync().ConfigureAwait(false);
            output.Write(_buffer, _start, _end - _start);
            _start = _end;
            if (output.Length >= mark.Length && output.GetBuffer().AsSpan((int)output.Length - mark.Length, mark.Length).SequenceEqual(mark))
            {
                output.SetLength(output.Length - mark.Length);
                return;
            }
        }
    }

    /// <summary>The next chunk of the stream (what is buffered, or one receive).</summary>
    public async Task<ReadOnlyMemory<byte>> ReadChunkAsync()
    {
        if (_start == _end) await FillAsync().ConfigureAwait(false);
        var chunk = _buffer.AsMemory(_start, _end - _start);
        _start = _end;
        return chunk;
    }

    private async Task FillAsync()
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timer.CancelAfter(timeout);
        int n;
        try
        {
            n = await stream.ReadAsync(_buffer.AsMemory(), timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            throw new TimeoutException("Timeout connecting to the MASTER...");
        }
        if (n == 0) throw new IOException("the primary closed the connection");
        _start = 0;
        _end = n;
        Received += n;
    }
}
