using FastNode.Cluster.Nodes;

namespace FastNode.Server.Cluster;

/// <summary>
/// cluster-preferred-endpoint-type, as Redis 7.0's clusterGetPreferredEndpoint: what MOVED / ASK and CLUSTER SLOTS /
/// SHARDS name a node by. "ip" (the default) gives its address; "hostname" its announced hostname, or "?" when it
/// announced none; "unknown-endpoint" nothing (clients reuse the address they are connected to).
/// </summary>
public static class ClusterEndpoints
{
    public static string Preferred(NodeAddress address, string type) => type switch
    {
        "hostname" => address.Hostname.Length > 0 ? address.Hostname : "?",
        "unknown-endpoint" => "",
        _ => address.Ip,
    };

    /// <summary>The redirect text: "MOVED 3300 127.0.0.1:7000" (or ASK).</summary>
    public static string Redirect(string kind, int slot, NodeAddress? address, string type) =>
        $"{kind} {slot} {(address is null ? "" : Preferred(address, type))}:{address?.Port}";

    /// <summary>cluster-announce-hostname's check, with Redis's texts: at most 255 characters of [A-Za-z0-9.-].</summary>
    public static string? HostnameError(string hostname)
    {
        if (hostname.Length > 255) return "Hostnames must be less than 256 characters";
        foreach (char c in hostname)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '.') return "Hostnames may only contain alphanumeric characters, hyphens or dots";
        }
        return null;
    }
}
