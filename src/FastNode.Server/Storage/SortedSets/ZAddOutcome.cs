namespace FastNode.Server.Storage.SortedSets;

/// <summary>What one ZADD element did (Redis zsetAdd's out flags).</summary>
public enum ZAddOutcome : byte
{
    /// <summary>A condition (NX, XX, GT, LT) skipped the element.</summary>
    Skipped,
    /// <summary>A new member was added.</summary>
    Added,
    /// <summary>An existing member's score changed.</summary>
    Updated,
    /// <summary>An existing member already had that score.</summary>
    Unchanged,
    /// <summary>The increment made the score NaN (inf + -inf); nothing changed.</summary>
    NaN,
}
