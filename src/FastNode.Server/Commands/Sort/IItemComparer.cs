namespace FastNode.Server.Commands.Sort;

/// <summary>A three-way comparison used by <see cref="RedisSorts"/> (a struct, so the sorts are devirtualized).</summary>
public interface IItemComparer<T>
{
    int Compare(in T a, in T b);
}
