namespace FastNode.Cluster.Wire;

/// <summary>Kinds of piggy-backed gossip items. Append only: the values are part of the protocol.</summary>
public enum GossipKind : byte
{
    Alive = 1,
    Suspect = 2,
    Dead = 3,
    Left = 4,
}
