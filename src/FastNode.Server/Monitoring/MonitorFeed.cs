using System.Buffers.Text;
using System.Text;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.PubSub;
using FastNode.Server.Sessions;

namespace FastNode.Server.Monitoring;

/// <summary>
/// MONITOR clients and what they are sent: after each command runs (as Redis 7.0 feeds them from call(), so a command
/// refused before it ran is not shown, and EXEC comes after the commands it ran), one line
/// `+1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`, with scripts' calls shown as `[0 lua]` and secrets as
/// "(redacted)". Administrative commands and those flagged skip_monitor are not shown. A line reaches each monitor
/// through its connection's outbound queue (like a pub/sub message), held to the replica class of
/// client-output-buffer-limit as Redis holds monitors.
/// </summary>
public sealed class MonitorFeed
{
    private readonly Lock _lock = new();
    private ClientSession[] _monitors = [];
    private volatile bool _active;

    /// <summary>One volatile read on the command path.</summary>
    public bool Active => _active;

    public int Count => Volatile.Read(ref _monitors).Length;

    public void Add(ClientSession session)
    {
        lock (_lock)
        {
            if (Array.IndexOf(_monitors, session) >= 0) return;
            _monitors = [.. _monitors, session];
            _active = true;
        }
    }

    public void Remove(ClientSession session)
    {
        lock (_lock)
        {
            int i = Array.IndexOf(_monitors, session);
            if (i < 0) return;
            var left = new List<ClientSession>(_monitors);
            left.RemoveAt(i);
            _monitors = left.ToArray();
            _active = _monitors.Length > 0;
        }
    }

    public bool Contains(ClientSession session) => Array.IndexOf(Volatile.Read(ref _monitors), session) >= 0;

    /// <summary>Sends one command to every monitor (cold path: only runs while someone monitors).</summary>
    /// <param name="force">Shown although flagged skip_monitor (EVAL, fed before it runs its calls).</param>
    public void Feed(CommandDef def, CommandArgs args, ClientSession session, bool fromScript, long nowUs, in Config.OutputBufferLimit limit, bool force = false)
    {
        if (!force && (def.Flags & (CommandFlags.SkipMonitor | CommandFlags.Admin)) != 0) return;
        var monitors = Volatile.Read(ref _monitors);
        if (monitors.Length == 0) return;
        var line = Format(def, args, session, fromScript, nowUs);
        var message = PubSubMessage.CreateStatus(line);
        message.AddRefs(monitors.Length);
        int unused = 1;
        foreach (var monitor in monitors)
        {
            monitor.PubSub ??= new Subscriber(monitor);
            if (!monitor.PubSub.Enqueue(message, limit, nowUs / 1000)) unused++;
        }
        message.Release(unused);
    }

    public static byte[] Format(CommandDef def, CommandArgs args, ClientSession session, bool fromScript, long nowUs)
    {
        var sb = new StringBuilder(64);
        long seconds = nowUs / 1_000_000;
        sb.Append(seconds).Append('.').Append((nowUs % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
        sb.Append(" [").Append(session.DbIndex).Append(' ').Append(fromScript ? "lua" : session.RemoteAddress).Append(']');
        var bytes = new List<byte>(Encoding.ASCII.GetBytes(sb.ToString()));
        for (int i = 0; i < args.Count; i++)
        {
            bytes.Add((byte)' ');
            AppendQuoted(bytes, ArgumentRedaction.IsRedacted(def, args, i) ? ArgumentRedaction.Redacted : args[i]);
        }
        return bytes.ToArray();
    }

    /// <summary>Redis's sdscatrepr: a double-quoted string with \\ \" \n \r \t \a \b escaped and other unprintable bytes as \xHH.</summary>
    public static void AppendQuoted(List<byte> into, ReadOnlySpan<byte> value)
    {
        into.Add((byte)'"');
        foreach (byte b in value)
        {
            switch (b)
            {
                case (byte)'\\': into.Add((byte)'\\'); into.Add((byte)'\\'); break;
                case (byte)'"': into.Add((byte)'\\'); into.Add((byte)'"'); break;
                case (byte)'\n': into.Add((byte)'\\'); into.Add((byte)'n'); break;
                case (byte)'\r': into.Add((byte)'\\'); into.Add((byte)'r'); break;
                case (byte)'\t': into.Add((byte)'\\'); into.Add((byte)'t'); break;
                case 7: into.Add((byte)'\\'); into.Add((byte)'a'); break;
                case 8: into.Add((byte)'\\'); into.Add((byte)'b'); break;
                default:
                    if (b >= 32 && b < 127) into.Add(b);
                    else
                    {
                        into.Add((byte)'\\');
                        into.Add((byte)'x');
                        into.Add((byte)"0123456789abcdef"[b >> 4]);
                        into.Add((byte)"0123456789abcdef"[b & 15]);
                    }
                    break;
            }
        }
        into.Add((byte)'"');
    }
}
