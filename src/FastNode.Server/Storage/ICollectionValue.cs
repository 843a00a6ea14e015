namespace FastNode.Server.Storage;

/// <summary>A collection value that knows how many elements it holds (list, hash, set, sorted set).</summary>
public interface ICollectionValue
{
    int Count { get; }
}
