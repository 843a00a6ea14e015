namespace FastNode.Server.Sessions;

/// <summary>Server-wide counters for INFO stats. Updated with Interlocked off the per-command path.</summary>
public sealed class ServerStats
{
    public long ConnectionsReceived;
    public long RejectedConnections;
    public long ExpiredKeys;
    public long KeyspaceHits;
    public long KeyspaceMisses;
    public long ProtocolErrors;
    public long TotalNetInputBytes;
    public long TotalNetOutputBytes;
    /// <summary>Deep pipelined reads executed by the pipeline helper thread (INFO io_threaded_reads_processed).</summary>
    public long HandedOffReads;

    /// <summary>Error replies by prefix (INFO errorstats); connections report through <see cref="ErrorCounters.Observer"/>.</summary>
    public ErrorCounters Errors { get; } = new();

    public void Reset()
    {
        ConnectionsReceived = RejectedConnections = ExpiredKeys = KeyspaceHits = KeyspaceMisses = ProtocolErrors = 0;
        TotalNetInputBytes = TotalNetOutputBytes = HandedOffReads = 0;
        Errors.Reset();
    }
}
