namespace FastNode.Cluster.State;

/// <summary>Redis's spelling of node flags: "myself,master", "slave,fail?", "noflags".</summary>
public static class NodeFlagsText
{
    private static readonly (NodeFlags Flag, string Name)[] Names =
    [
        (NodeFlags.Myself, "myself"),
        (NodeFlags.Primary, "master"),
        (NodeFlags.Replica, "slave"),
        (NodeFlags.PFail, "fail?"),
        (NodeFlags.Fail, "fail"),
        (NodeFlags.Handshake, "handshake"),
        (NodeFlags.NoAddr, "noaddr"),
        (NodeFlags.NoFailover, "nofailover"),
    ];

    public static string Format(NodeFlags flags)
    {
        if (flags == NodeFlags.None) return "noflags";
        var parts = new List<string>();
        foreach (var (flag, name) in Names)
        {
            if ((flags & flag) != 0) parts.Add(name);
        }
        return string.Join(',', parts);
    }

    /// <summary>Parses a comma-separated flag list; false on an unknown flag, naming it.</summary>
    public static bool TryParse(string text, out NodeFlags flags, out string unknown)
    {
        flags = NodeFlags.None;
        unknown = "";
        foreach (string part in text.Split(','))
        {
            if (part == "noflags") continue;
            int index = Array.FindIndex(Names, n => n.Name == part);
            if (index < 0)
            {
                unknown = part;
                return false;
            }
            flags |= Names[index].Flag;
        }
        return true;
    }
}
