namespace FastNode.Server.Persistence.Rdb;

/// <summary>What a load read: counts for INFO and the AUX fields (repl-id, repl-offset... for a replica).</summary>
public sealed class RdbLoadResult
{
    public int Version { get; init; }
    public long KeysLoaded { get; set; }
    public long KeysExpired { get; set; }
    public int FunctionsLoaded { get; set; }
    public Dictionary<string, string> Aux { get; } = new(StringComparer.Ordinal);
}
