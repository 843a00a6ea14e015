namespace FastNode.Server.Sessions;

/// <summary>
/// What a client holds in memory, for CLIENT LIST / CLIENT INFO (fd, qbuf, multi-mem, tot-mem) and for client
/// eviction (<see cref="MemoryUsage"/>). Written by the connection's own loop and its transport, read by any thread:
/// each value is one word, read without a lock, so a reader sees a recent value, never a torn one.
/// </summary>
public sealed partial class ClientSession
{
    /// <summary>The socket's file descriptor (CLIENT LIST fd=), or -1 for a connection without one (in memory, a primary's stream replayer).</summary>
    public long Fd = -1;

    /// <summary>
    /// Bytes the transport has received from the socket and put into the input pipe, or -1 when no transport counts
    /// them (in-memory connections). With <see cref="InputBytes"/> (what the command loop took out of the pipe) it
    /// tells what waits in the pipe unparsed.
    /// </summary>
    public long InputReceived = -1;

    /// <summary>Bytes of an incomplete request held in the command reader's carry-over buffer (set after each batch).</summary>
    public int CarriedRequestBytes;

    /// <summary>
    /// Bytes received but not yet parsed into commands (CLIENT LIST qbuf=): what waits in the input pipe plus the
    /// incomplete request in the carry-over buffer. While the client's own batch runs, its commands count too (as in
    /// Redis, where CLIENT INFO reports its own request in qbuf).
    /// </summary>
    public long UnparsedInput
    {
        get
        {
            long received = Volatile.Read(ref InputReceived);
            long inPipe = received < 0 ? 0 : Math.Max(0, received - Volatile.Read(ref InputBytes));
            return inPipe + Volatile.Read(ref CarriedRequestBytes);
        }
    }

    /// <summary>Free room in the carry-over buffer (CLIENT LIST qbuf-free=): its capacity less the request it holds.</summary>
    public long QueryBufferFree => Math.Max(0, Volatile.Read(ref QueryBufferBytes) - Volatile.Read(ref CarriedRequestBytes));

    /// <summary>
    /// Memory the commands queued since MULTI take (CLIENT LIST multi-mem=): each queued command keeps a copy of its
    /// arguments and one 8-byte range per argument, which is also how Redis 7.0 counts it (argument bytes plus one
    /// pointer per argument). Any thread; 0 outside a transaction.
    /// </summary>
    public long QueuedCommandBytes()
    {
        var queued = Volatile.Read(ref Multi);
        if (queued is null) return 0;
        long total = 0;
        try
        {
            for (int i = 0; i < queued.Count; i++)
            {
                var args = queued[i].Args;
                for (int a = 0; a < args.Count; a++) total += args[a].Length + sizeof(long);
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // The owner ran EXEC or DISCARD meanwhile: what was counted is as good as any moment's value.
        }
        return total;
    }

    /// <summary>
    /// Memory this client holds, for CLIENT LIST tot-mem= and client eviction (maxmemory-clients): the query buffer
    /// (carry-over buffer and bytes waiting unparsed in the input pipe), commands queued since MULTI, and the output
    /// buffer (<see cref="OutputBufferUsage"/>). The arguments of the command running now live in the query buffer
    /// and are not counted twice.
    /// </summary>
    public long MemoryUsage()
    {
        long received = Volatile.Read(ref InputReceived);
        long inPipe = received < 0 ? 0 : Math.Max(0, received - Volatile.Read(ref InputBytes));
        return Volatile.Read(ref QueryBufferBytes) + inPipe + QueuedCommandBytes() + OutputBufferUsage();
    }
}
