using System.Collections.Concurrent;

namespace FastNode.Server.Sessions;

/// <summary>The connected clients (CLIENT LIST/KILL, INFO clients, maxclients, the idle timeout).</summary>
public sealed class ClientRegistry(Transactions.WatchRegistry watches)
{
    private readonly ConcurrentDictionary<long, ClientSession> _clients = new();
    private long _closedCommands;
    private long _closedOutputBytes;

    public int Count => _clients.Count;

    /// <summary>Recent largest output buffers (INFO client_recent_max_output_buffer).</summary>
    public OutputBufferPeaks OutputPeaks { get; } = new();

    public IEnumerable<ClientSession> All => _clients.Values;

    public void Add(ClientSession session) => _clients[session.Id] = session;

    public void Remove(ClientSession session)
    {
        if (_clients.TryRemove(session.Id, out _))
        {
            Interlocked.Add(ref _closedCommands, session.CommandsProcessed);
            Interlocked.Add(ref _closedOutputBytes, session.OutputBytes);
            long peak = session.TakeOutputPeak();
            if (peak > 0) OutputPeaks.Observe(peak);
        }
        watches.UnwatchAll(session);
    }

    /// <summary>Server cron: samples every client's output buffer into <see cref="OutputPeaks"/>.</summary>
    public void SampleOutputBuffers()
    {
        long max = 0;
        foreach (var client in _clients.Values) max = Math.Max(max, Math.Max(client.OutputBufferUsage(), client.TakeOutputPeak()));
        OutputPeaks.Observe(max);
    }

    public bool TryGet(long id, out ClientSession session) => _clients.TryGetValue(id, out session!);

    /// <summary>total_commands_processed: closed clients' count plus the live ones'.</summary>
    public long TotalCommandsProcessed()
    {
        long total = Interlocked.Read(ref _closedCommands);
        foreach (var client in _clients.Values) total += client.CommandsProcessed;
        return total;
    }

    /// <summary>total_net_output_bytes: closed clients' reply bytes plus the live ones'.</summary>
    public long TotalOutputBytes()
    {
        long total = Interlocked.Read(ref _closedOutputBytes);
        foreach (var client in _clients.Values) total += client.OutputBytes;
        return total;
    }

    public void ResetStats()
    {
        Interlocked.Exchange(ref _closedCommands, 0);
        Interlocked.Exchange(ref _closedOutputBytes, 0);
        foreach (var client in _clients.Values)
        {
            client.CommandsProcessed = 0;
            client.OutputBytes = 0;
        }
    }
}
