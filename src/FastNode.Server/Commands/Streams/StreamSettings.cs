namespace FastNode.Server.Commands.Streams;

/// <summary>
/// Node sizes of streams: Redis 7.0's defaults of stream-node-max-bytes and stream-node-max-entries. The settings are
/// accepted and reported by CONFIG (as pass-through values); nodes are always cut at these defaults, which is what
/// makes FastNode's nodes, RDB files and approximate trimming (~) match a default redis-server's.
/// </summary>
internal static class StreamSettings
{
    public const long NodeMaxBytes = 4096;
    public const long NodeMaxEntries = 100;
}
