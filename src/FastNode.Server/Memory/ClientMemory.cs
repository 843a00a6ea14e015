using FastNode.Server.Sessions;

namespace FastNode.Server.Memory;

/// <summary>
/// What one client's buffers take, the one figure for CLIENT LIST tot-mem and client eviction
/// (<see cref="ClientSession.MemoryUsage"/>: request bytes received and not yet run, commands queued by MULTI, replies
/// not yet sent and queued pushes). Arguments are parsed in place, so there is no separate argv copy. Not counted: the
/// fixed per-connection objects (about 4.8 KB, perf/README "idle connection").
/// </summary>
public static class ClientMemory
{
    /// <summary>The client's buffers now. Any thread (the fields are read racily, as CLIENT LIST does).</summary>
    public static long Of(ClientSession client) => client.MemoryUsage();

    /// <summary>
    /// Whether the client counts toward maxmemory-clients: normal and pub/sub clients do; a replica's link and this
    /// server's link to its primary do not (Redis never evicts them).
    /// </summary>
    public static bool Counted(ClientSession client) => client.Replica is null && !client.IsMasterLink;
}
