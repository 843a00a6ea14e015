namespace FastNode.Cluster.Nodes;

/// <summary>The address a bus frame is sent to: a node's IP and its cluster bus port.</summary>
public readonly record struct BusEndpoint(string Ip, int Port)
{
    public override string ToString() => $"{Ip}:{Port}";
}
