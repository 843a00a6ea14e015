using System.Text;
using FastNode.Protocol;

namespace FastNode.Server.Sessions;

/// <summary>
/// Error replies counted by their first word ("ERR", "WRONGTYPE", "NOAUTH"...), for INFO errorstats and
/// total_error_replies. Written from every connection thread on the error path only, under one small lock.
/// Like Redis (ERRORSTATS_LIMIT), at most 128 distinct prefixes are tracked; later new ones only count in the total.
/// </summary>
public sealed class ErrorCounters
{
    private const int MaxPrefixes = 128;
    private const int MaxPrefixLength = 64;

    private readonly Lock _lock = new();
    private readonly List<(byte[] Prefix, long Count)> _counts = [];
    private long _total;

    public ErrorCounters() => Observer = Count;

    /// <summary>The delegate handed to each connection's RespWriter (allocated once).</summary>
    public ErrorReplyObserver Observer { get; }

    /// <summary>total_error_replies.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Count(ReadOnlySpan<byte> error)
    {
        Interlocked.Increment(ref _total);
        int space = error.IndexOf((byte)' ');
        var prefix = space < 0 ? error : error.Slice(0, space);
        if (prefix.Length > MaxPrefixLength) prefix = prefix.Slice(0, MaxPrefixLength);
        lock (_lock)
        {
            for (int i = 0; i < _counts.Count; i++)
            {
                if (_counts[i].Prefix.AsSpan().SequenceEqual(prefix))
                {
                    _counts[i] = (_counts[i].Prefix, _counts[i].Count + 1);
                    return;
                }
            }
            if (_counts.Count < MaxPrefixes) _counts.Add((prefix.ToArray(), 1));
        }
    }

    /// <summary>(prefix, count) pairs in the order the prefixes first appeared.</summary>
    public List<KeyValuePair<string, long>> Snapshot()
    {
        var result = new List<KeyValuePair<string, long>>();
        lock (_lock)
        {
            foreach (var (prefix, count) in _counts) result.Add(new(Encoding.UTF8.GetString(prefix), count));
        }
        return result;
    }

    public void Reset()
    {
        lock (_lock) _counts.Clear();
        Interlocked.Exchange(ref _total, 0);
    }
}
