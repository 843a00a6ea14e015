namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// An RDB file or DUMP payload that cannot be loaded: corrupt, truncated, of a type FastNode cannot hold, or with a bad
/// checksum. The message names the problem and the byte offset (from the start of the input) where it was found.
/// </summary>
public sealed class RdbFormatException : Exception
{
    public RdbFormatException(string problem, long offset)
        : base($"{problem} (at byte offset {offset})")
    {
        Problem = problem;
        Offset = offset;
    }

    /// <summary>The problem without the offset.</summary>
    public string Problem { get; }

    /// <summary>Byte offset in the input where the problem was found.</summary>
    public long Offset { get; }
}
