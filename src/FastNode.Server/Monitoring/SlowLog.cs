using System.Globalization;
using System.Text;
using FastNode.Protocol;
using FastNode.Server.Commands;

namespace FastNode.Server.Monitoring;

/// <summary>One SLOWLOG GET entry. Immutable once logged.</summary>
public sealed record SlowLogEntry(long Id, long TimestampSeconds, long DurationMicros, byte[][] Args, string ClientAddress, string ClientName);

/// <summary>
/// The slow log: the latest commands that took at least slowlog-log-slower-than microseconds, newest first, at most
/// slowlog-max-len of them. Entries keep at most <see cref="MaxArgs"/> arguments (the last one saying how many more
/// there were) and at most <see cref="MaxArgBytes"/> bytes of each (saying how many more), as Redis's slowlog.c does,
/// with secrets shown as "(redacted)". Only slow commands come here, so one lock is fine.
/// </summary>
public sealed class SlowLog
{
    public const int MaxArgs = 32;
    public const int MaxArgBytes = 128;

    private readonly Lock _lock = new();
    private readonly LinkedList<SlowLogEntry> _entries = new();
    private long _nextId;

    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    public void Add(CommandDef def, CommandArgs args, long durationMicros, long nowMs, string clientAddress, string clientName, long maxLen)
    {
        int count = Math.Min(args.Count, MaxArgs);
        var kept = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            if (i == MaxArgs - 1 && args.Count > MaxArgs)
            {
                kept[i] = Encoding.ASCII.GetBytes($"... ({(args.Count - MaxArgs + 1).ToString(CultureInfo.InvariantCulture)} more arguments)");
                break;
            }
            kept[i] = Truncate(ArgumentRedaction.IsRedacted(def, args, i) ? ArgumentRedaction.Redacted : args[i]);
        }
        lock (_lock)
        {
            _entries.AddFirst(new SlowLogEntry(_nextId++, nowMs / 1000, durationMicros, kept, clientAddress, clientName));
            while (_entries.Count > maxLen) _entries.RemoveLast();
        }
    }

    private static byte[] Truncate(ReadOnlySpan<byte> arg)
    {
        if (arg.Length <= MaxArgBytes) return arg.ToArray();
        var suffix = Encoding.ASCII.GetBytes($"... ({(arg.Length - MaxArgBytes).ToString(CultureInfo.InvariantCulture)} more bytes)");
        var bytes = new byte[MaxArgBytes + suffix.Length];
        arg.Slice(0, MaxArgBytes).CopyTo(bytes);
        suffix.CopyTo(bytes, MaxArgBytes);
        return bytes;
    }

    /// <summary>The newest <paramref name="count"/> entries (all for -1), newest first.</summary>
    public List<SlowLogEntry> Latest(long count)
    {
        var result = new List<SlowLogEntry>();
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (count >= 0 && result.Count >= count) break;
                result.Add(entry);
            }
        }
        return result;
    }

    /// <summary>SLOWLOG RESET: ids go on from where they were, as in Redis.</summary>
    public void Reset()
    {
        lock (_lock) _entries.Clear();
    }

    /// <summary>slowlog-max-len lowered: Redis trims at the next entry; trimming now keeps LEN honest at once.</summary>
    public void Trim(long maxLen)
    {
        lock (_lock)
        {
            while (_entries.Count > maxLen) _entries.RemoveLast();
        }
    }
}
