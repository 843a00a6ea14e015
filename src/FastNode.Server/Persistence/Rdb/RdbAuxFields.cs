namespace FastNode.Server.Persistence.Rdb;

/// <summary>AUX field names FastNode writes besides Redis's own (Redis ignores AUX fields it does not know).</summary>
public static class RdbAuxFields
{
    /// <summary>The last fencing token handed out: after a restart no token at or below it is issued again.</summary>
    public const string FencingToken = "fastnode-fencing-token";
}
