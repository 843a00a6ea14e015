namespace FastNode.Cluster.Config;

/// <summary>The contents of nodes.conf: one line per known node, then the epochs ("vars" line).</summary>
public sealed record NodesConf(IReadOnlyList<NodesConfLine> Nodes, long CurrentEpoch, long LastVoteEpoch)
{
    public NodesConfLine? Myself => Nodes.FirstOrDefault(n => n.IsMyself);
}
