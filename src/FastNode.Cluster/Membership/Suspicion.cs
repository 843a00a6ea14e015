using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Membership;

/// <summary>
/// An open suspicion of one member at one incarnation, with the independent accusers heard so far
/// (Lifeguard section 4.2: every further confirmation shortens the time before the member is declared dead).
/// </summary>
public sealed class Suspicion
{
    // Accusers beyond this many add nothing to a verdict and would only grow memory under a flood.
    private const int MaxAccusers = 4096;

    private readonly Dictionary<NodeId, long> _accusers = [];

    internal Suspicion(long incarnation, long startedAt, NodeId firstAccuser)
    {
        Incarnation = incarnation;
        StartedAt = startedAt;
        _accusers[firstAccuser] = startedAt;
    }

    /// <summary>The member's incarnation this suspicion is about; a higher incarnation refutes it.</summary>
    public long Incarnation { get; }

    /// <summary>Monotonic milliseconds when this node first suspected the member.</summary>
    public long StartedAt { get; }

    /// <summary>Distinct accusers and when each was first heard.</summary>
    public IReadOnlyDictionary<NodeId, long> Accusers => _accusers;

    /// <summary>Confirmations beyond the first accusation.</summary>
    public int Confirmations => _accusers.Count - 1;

    /// <summary>Records an accuser; false when it was already known.</summary>
    internal bool Confirm(NodeId accuser, long now)
    {
        if (_accusers.ContainsKey(accuser) || _accusers.Count >= MaxAccusers) return false;
        _accusers[accuser] = now;
        return true;
    }

    /// <summary>
    /// Lifeguard's suspicion timeout: starts at <paramref name="max"/> and falls toward <paramref name="min"/> as
    /// confirmations arrive, reaching it at <paramref name="expectedConfirmations"/>; logarithmic in between.
    /// </summary>
    public static long Timeout(int confirmations, int expectedConfirmations, long min, long max)
    {
        if (expectedConfirmations < 1 || confirmations >= expectedConfirmations) return min;
        double fraction = Math.Log(confirmations + 1) / Math.Log(expectedConfirmations + 1);
        return Math.Max(min, (long)(max - fraction * (max - min)));
    }
}
