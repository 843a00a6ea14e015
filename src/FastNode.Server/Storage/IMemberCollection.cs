namespace FastNode.Server.Storage;

/// <summary>A collection value whose members can be removed by name (hash fields, set and sorted-set members).</summary>
public interface IMemberCollection : ICollectionValue
{
    bool Remove(ReadOnlySpan<byte> member);
}
