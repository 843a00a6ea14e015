namespace FastNode.Server.Storage.SortedSets;

/// <summary>Receives the nodes one ZSCAN step visits (<see cref="SkipList.Scan{TVisitor}"/>); a struct, so calls are devirtualized.</summary>
public interface ISkipNodeVisitor
{
    void Visit(SkipNode node);
}
