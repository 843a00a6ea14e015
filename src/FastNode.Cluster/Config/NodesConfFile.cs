using System.Globalization;
using System.Text;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;
using FastNode.Cluster.State;

namespace FastNode.Cluster.Config;

/// <summary>
/// Reads and writes Redis's nodes.conf format. Parsing never throws: a corrupt or truncated file gives one line saying
/// which line is wrong and how ("line 3: config epoch 'x' is not a number"); the server prefixes the file name and
/// refuses to start. Writing the file atomically (temp file, fsync, rename) is the server's job.
/// </summary>
public static class NodesConfFile
{
    public static string Write(NodesConf conf)
    {
        var text = new StringBuilder();
        foreach (var node in conf.Nodes) text.Append(FormatLine(node)).Append('\n');
        text.Append("vars currentEpoch ").Append(conf.CurrentEpoch)
            .Append(" lastVoteEpoch ").Append(conf.LastVoteEpoch).Append('\n');
        return text.ToString();
    }

    /// <summary>One node line without the newline; CLUSTER NODES prints the same lines.</summary>
    public static string FormatLine(NodesConfLine node)
    {
        var line = new StringBuilder();
        line.Append(node.Id).Append(' ')
            .Append(node.Address.Ip).Append(':').Append(node.Address.Port).Append('@').Append(node.Address.BusPort);
        if (node.Address.Hostname.Length > 0 || !node.ShardId.IsNone) line.Append(',').Append(node.Address.Hostname);
        if (!node.ShardId.IsNone) line.Append(",shard-id=").Append(node.ShardId);
        line.Append(' ').Append(NodeFlagsText.Format(node.Flags))
            .Append(' ').Append(node.PrimaryId.IsNone ? "-" : node.PrimaryId.ToString())
            .Append(' ').Append(node.PingSentUnixMs)
            .Append(' ').Append(node.PongReceivedUnixMs)
            .Append(' ').Append(node.ConfigEpoch)
            .Append(' ').Append(node.LinkConnected ? "connected" : "disconnected");
        foreach (var (first, last) in node.Slots.Ranges())
        {
            line.Append(' ').Append(first);
            if (last != first) line.Append('-').Append(last);
        }
        foreach (var (slot, target) in node.Migrating) line.Append(" [").Append(slot).Append("->-").Append(target).Append(']');
        foreach (var (slot, source) in node.Importing) line.Append(" [").Append(slot).Append("-<-").Append(source).Append(']');
        return line.ToString();
    }

    /// <summary>Parses a whole file. An empty file is a fresh node (no error, no nodes).</summary>
    public static bool TryParse(string text, out NodesConf? conf, out string error)
    {
        conf = null;
        error = "";
        if (text.Length == 0)
        {
            conf = new NodesConf([], 0, 0);
            return true;
        }
        string[] lines = text.Split('\n');
        if (lines[^1].Length != 0)
        {
            error = $"line {lines.Length} is cut off (no newline at the end; truncated file?)";
            return false;
        }
        var nodes = new List<NodesConfLine>();
        var seen = new HashSet<NodeId>();
        long currentEpoch = 0, lastVoteEpoch = 0;
        bool sawVars = false;
        for (int i = 0; i < lines.Length - 1; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string where = $"line {i + 1}";
            if (sawVars)
            {
                error = $"{where}: nothing may follow the vars line";
                return false;
            }
            if (fields[0] == "vars")
            {
                if (!TryParseVars(fields, out currentEpoch, out lastVoteEpoch, out error))
                {
                    error = $"{where}: {error}";
                    return false;
                }
                sawVars = true;
                continue;
            }
            if (!TryParseLine(fields, out var node, out error))
            {
                error = $"{where}: {error}";
                return false;
            }
            if (!seen.Add(node!.Id))
            {
                error = $"{where}: node {node.Id} appears twice";
                return false;
            }
            nodes.Add(node);
        }
        if (!sawVars)
        {
            error = "no vars line at the end (truncated file?)";
            return false;
        }
        int myself = nodes.Count(n => n.IsMyself);
        if (myself != 1)
        {
            error = myself == 0 ? "no node is flagged myself" : "more than one node is flagged myself";
            return false;
        }
        conf = new NodesConf(nodes, currentEpoch, lastVoteEpoch);
        return true;
    }

    private static bool TryParseVars(string[] fields, out long currentEpoch, out long lastVoteEpoch, out string error)
    {
        currentEpoch = lastVoteEpoch = 0;
        error = "";
        if (fields.Length % 2 != 1)
        {
            error = "vars line has a name without a value";
            return false;
        }
        for (int j = 1; j < fields.Length; j += 2)
        {
            if (!TryNumber(fields[j + 1], out long value))
            {
                error = $"{fields[j]} '{fields[j + 1]}' is not a number";
                return false;
            }
            // Unknown variables are skipped, as Redis does.
            if (fields[j] == "currentEpoch") currentEpoch = value;
            else if (fields[j] == "lastVoteEpoch") lastVoteEpoch = value;
        }
        return true;
    }

    private static bool TryParseLine(string[] f, out NodesConfLine? node, out string error)
    {
        node = null;
        error = "";
        if (f.Length < 8)
        {
            error = $"{f.Length} fields, a node line has at least 8 (truncated line?)";
            return false;
        }
        if (!NodeId.TryParse(f[0], out var id)) return Fail($"node id '{f[0]}' is not 40 hex characters", out error);
        if (!TryParseAddress(f[1], out var address, out var shardId, out error)) return false;
        if (!NodeFlagsText.TryParse(f[2], out var flags, out string unknown)) return Fail($"unknown flag '{unknown}'", out error);
        var primary = NodeId.None;
        if (f[3] != "-" && !NodeId.TryParse(f[3], out primary)) return Fail($"primary id '{f[3]}' is not 40 hex characters or -", out error);
        if (!TryNumber(f[4], out long pingSent)) return Fail($"ping-sent '{f[4]}' is not a number", out error);
        if (!TryNumber(f[5], out long pongReceived)) return Fail($"pong-recv '{f[5]}' is not a number", out error);
        if (!TryNumber(f[6], out long configEpoch)) return Fail($"config epoch '{f[6]}' is not a number", out error);
        if (f[7] is not ("connected" or "disconnected")) return Fail($"link state '{f[7]}' is neither connected nor disconnected", out error);

        var slots = new List<int>();
        var migrating = new List<(int, NodeId)>();
        var importing = new List<(int, NodeId)>();
        for (int j = 8; j < f.Length; j++)
        {
            if (!TryParseSlotField(f[j], slots, migrating, importing)) return Fail($"slot field '{f[j]}' is not valid", out error);
        }
        node = new NodesConfLine
        {
            Id = id,
            Address = address!,
            ShardId = shardId,
            Flags = flags,
            PrimaryId = primary,
            PingSentUnixMs = pingSent,
            PongReceivedUnixMs = pongReceived,
            ConfigEpoch = configEpoch,
            LinkConnected = f[7] == "connected",
            Slots = SlotSet.FromSlots(slots),
            Migrating = migrating,
            Importing = importing,
        };
        return true;
    }

    /// <summary><c>ip:port@busport</c>, then optionally <c>,hostname</c> and <c>,key=value</c> aux fields (Redis 7.2).</summary>
    private static bool TryParseAddress(string field, out NodeAddress? address, out NodeId shardId, out string error)
    {
        address = null;
        shardId = NodeId.None;
        error = "";
        string[] parts = field.Split(',');
        string main = parts[0];
        int at = main.IndexOf('@');
        string hostPort = at >= 0 ? main[..at] : main;
        int colon = hostPort.LastIndexOf(':');
        if (colon < 0) return Fail($"address '{field}' has no ':port'", out error);
        if (!TryPort(hostPort[(colon + 1)..], out int port)) return Fail($"port in '{field}' is not a port number", out error);
        int busPort = port + 10000;
        if (at >= 0 && !TryPort(main[(at + 1)..], out busPort)) return Fail($"bus port in '{field}' is not a port number", out error);
        string hostname = parts.Length > 1 ? parts[1] : "";
        for (int j = 2; j < parts.Length; j++)
        {
            int eq = parts[j].IndexOf('=');
            if (eq <= 0) return Fail($"aux field '{parts[j]}' is not name=value", out error);
            if (parts[j][..eq] == "shard-id" && !NodeId.TryParse(parts[j][(eq + 1)..], out shardId))
            {
                return Fail($"shard-id in '{field}' is not 40 hex characters", out error);
            }
        }
        address = new NodeAddress(hostPort[..colon], port, busPort, hostname);
        return true;
    }

    private static bool TryParseSlotField(string field, List<int> slots, List<(int, NodeId)> migrating,
        List<(int, NodeId)> importing)
    {
        if (field.StartsWith('['))
        {
            if (!field.EndsWith(']')) return false;
            string inner = field[1..^1];
            int arrow = inner.IndexOf("->-", StringComparison.Ordinal);
            var list = migrating;
            if (arrow < 0)
            {
                arrow = inner.IndexOf("-<-", StringComparison.Ordinal);
                list = importing;
            }
            if (arrow < 0 || !TrySlot(inner[..arrow], out int slot) || !NodeId.TryParse(inner[(arrow + 3)..], out var other))
            {
                return false;
            }
            list.Add((slot, other));
            return true;
        }
        int dash = field.IndexOf('-');
        if (dash < 0)
        {
            if (!TrySlot(field, out int single)) return false;
            slots.Add(single);
            return true;
        }
        if (!TrySlot(field[..dash], out int first) || !TrySlot(field[(dash + 1)..], out int last) || first > last) return false;
        for (int s = first; s <= last; s++) slots.Add(s);
        return true;
    }

    private static bool TryNumber(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static bool TrySlot(string text, out int slot) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out slot) && slot < KeySlot.SlotCount;

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
