namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// Whether a PSYNC can continue from the backlog, as Redis decides it (docs: "Replication", partial resynchronization):
/// the replica's history must be ours (our current replication id, or our previous one up to the offset where it
/// ended) and every byte it is missing must still be in the backlog. Pure, so it can be tested without a network.
/// </summary>
public static class PsyncDecision
{
    /// <param name="replid">The id the replica sent ("?" to ask for a full sync).</param>
    /// <param name="from">The first byte it is missing (its processed offset + 1).</param>
    /// <param name="backlogFirst">repl_backlog_first_byte_offset (0 when there is no backlog).</param>
    /// <param name="backlogHistLen">repl_backlog_histlen.</param>
    public static bool CanContinue(string replid, long from, string currentId, string previousId, long secondOffset,
        bool hasBacklog, long backlogFirst, long backlogHistLen)
    {
        if (replid != currentId && (replid != previousId || from > secondOffset)) return false;
        if (!hasBacklog) return false;
        return from >= backlogFirst && from <= backlogFirst + backlogHistLen;
    }
}
