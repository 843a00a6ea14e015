namespace FastNode.Protocol;

/// <summary>
/// How far an incomplete multibulk request has been parsed (Redis's multibulklen and querybuf position), so the next
/// attempt resumes there. Offsets count from the request's first byte, so they survive the request moving into
/// another buffer. default = nothing parsed yet.
/// </summary>
public struct MultiBulkProgress
{
    /// <summary>Offset of the next argument's "$" line; 0 while the "*N" line has not been read.</summary>
    public int Position;

    /// <summary>Arguments still to read after <see cref="Position"/>.</summary>
    public long Remaining;

    public readonly bool IsStarted => Position != 0;
}
