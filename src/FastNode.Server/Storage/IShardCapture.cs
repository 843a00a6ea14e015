namespace FastNode.Server.Storage;

/// <summary>
/// A point-in-time snapshot being taken shard by shard, without a fork: a writer about to change a shard that the
/// snapshot has not captured yet first captures it (<see cref="BeforeWrite"/>), so every shard is saved as it was when
/// the snapshot started. Called without the shard's lock held by the caller, or with it held re-entrantly.
/// </summary>
public interface IShardCapture
{
    void BeforeWrite(Database db, int shardIndex);
}
