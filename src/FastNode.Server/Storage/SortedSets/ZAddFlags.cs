namespace FastNode.Server.Storage.SortedSets;

/// <summary>ZADD's conditions (and ZINCRBY as INCR). NX/XX/GT/LT compatibility is checked by the command.</summary>
[Flags]
public enum ZAddFlags : byte
{
    None = 0,
    /// <summary>Only add new members.</summary>
    Nx = 1,
    /// <summary>Only update existing members.</summary>
    Xx = 2,
    /// <summary>Only update when the new score is greater.</summary>
    Gt = 4,
    /// <summary>Only update when the new score is less.</summary>
    Lt = 8,
    /// <summary>The score is an increment to the current one.</summary>
    Incr = 16,
}
