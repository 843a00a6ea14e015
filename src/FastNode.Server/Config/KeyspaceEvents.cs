namespace FastNode.Server.Config;

/// <summary>
/// The notify-keyspace-events value: a set of class letters that Redis stores as flags and prints back in a fixed
/// order, with 'A' standing for all the type classes (g$lshzxetd; not 'n' or 'm').
/// </summary>
public static class KeyspaceEvents
{
    private const string Classes = "g$lshzxetd";
    private const string Others = "nKEm";

    /// <summary>Returns the canonical form, or the error CONFIG SET reports for an unknown letter.</summary>
    public static (string? Value, string? Error) Normalize(string text)
    {
        var seen = new HashSet<char>();
        foreach (char c in text)
        {
            if (c == 'A')
            {
                foreach (char t in Classes) seen.Add(t);
            }
            else if (Classes.Contains(c) || Others.Contains(c))
            {
                seen.Add(c);
            }
            else
            {
                return (null, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            }
        }
        var result = new System.Text.StringBuilder();
        bool all = true;
        foreach (char t in Classes) all &= seen.Contains(t);
        if (all) result.Append('A');
        else
        {
            foreach (char t in "g$lshzxetdn") if (seen.Contains(t)) result.Append(t);
        }
        if (all && seen.Contains('n')) result.Append('n');
        foreach (char t in "KEm") if (seen.Contains(t)) result.Append(t);
        return (result.ToString(), null);
    }

    /// <summary>
    /// The classes a canonical value (from <see cref="Normalize"/>) selects; none at all when it has neither K nor E,
    /// as Redis then publishes nothing.
    /// </summary>
    public static PubSub.KeyspaceEventClass Parse(string value)
    {
        var flags = PubSub.KeyspaceEventClass.None;
        foreach (char c in value) flags |= ClassOf(c);
        const PubSub.KeyspaceEventClass channels = PubSub.KeyspaceEventClass.Keyspace | PubSub.KeyspaceEventClass.Keyevent;
        return (flags & channels) == 0 ? PubSub.KeyspaceEventClass.None : flags;
    }

    private static PubSub.KeyspaceEventClass ClassOf(char letter) => letter switch
    {
        'K' => PubSub.KeyspaceEventClass.Keyspace,
        'E' => PubSub.KeyspaceEventClass.Keyevent,
        'g' => PubSub.KeyspaceEventClass.Generic,
        '$' => PubSub.KeyspaceEventClass.String,
        'l' => PubSub.KeyspaceEventClass.List,
        's' => PubSub.KeyspaceEventClass.Set,
        'h' => PubSub.KeyspaceEventClass.Hash,
        'z' => PubSub.KeyspaceEventClass.SortedSet,
        'x' => PubSub.KeyspaceEventClass.Expired,
        'e' => PubSub.KeyspaceEventClass.Evicted,
        't' => PubSub.KeyspaceEventClass.Stream,
        'm' => PubSub.KeyspaceEventClass.KeyMiss,
        'd' => PubSub.KeyspaceEventClass.Module,
        'n' => PubSub.KeyspaceEventClass.NewKey,
        'A' => PubSub.KeyspaceEventClass.Generic | PubSub.KeyspaceEventClass.String | PubSub.KeyspaceEventClass.List
            | PubSub.KeyspaceEventClass.Set | PubSub.KeyspaceEventClass.Hash | PubSub.KeyspaceEventClass.SortedSet
            | PubSub.KeyspaceEventClass.Expired | PubSub.KeyspaceEventClass.Evicted | PubSub.KeyspaceEventClass.Stream
            | PubSub.KeyspaceEventClass.Module,
        _ => PubSub.KeyspaceEventClass.None,
    };
}
