namespace FastNode.Server.Persistence;

/// <summary>
/// A feed sink that is part of replication (the backlog, a replica's buffer): it also gets the records only replicas
/// see (the primary's PING and REPLCONF GETACK), which the AOF does not.
/// </summary>
public interface IReplicationSink : IFeedSink
{
}
