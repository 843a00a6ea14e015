using FastNode.Server.Sessions;

namespace FastNode.Server.Memory;

/// <summary>
/// What one client's buffers take (CLIENT LIST tot-mem, client eviction): its request buffer (the carry-over buffer
/// of a request not yet complete, or of one just run) plus its output buffer (replies not yet sent and queued
/// pushes). Arguments are parsed in place, so there is no separate argv copy. Not counted: a partial request under
/// 16 KB still in the socket pipe, the commands queued by MULTI, and the fixed per-connection objects (about 4.8 KB,
/// perf/README "idle connection").
/// </summary>
public static class ClientMemory
{
    /// <summary>The client's buffers now. Any thread (the fields are read racily, as CLIENT LIST does).</summary>
    public static long Of(ClientSession client) => Volatile.Read(ref client.QueryBufferBytes) + client.OutputBufferUsage();

    /// <summary>
    /// Whether the client counts toward maxmemory-clients: normal and pub/sub clients do; a replica's link and this
    /// server's link to its primary do not (Redis never evicts them).
    /// </summary>
    public static bool Counted(ClientSession client) => client.Replica is null && !client.IsMasterLink;
}
