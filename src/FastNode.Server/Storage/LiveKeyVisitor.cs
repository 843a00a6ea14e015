namespace FastNode.Server.Storage;

/// <summary>
/// Adapts an <see cref="IKeyVisitor"/> to <see cref="Shard.Scan{TVisitor}"/>: deletes the expired entries it meets
/// (they still count as seen, as in Redis where SCAN's COUNT counts before filtering) and hands on the live keys.
/// </summary>
internal ref struct LiveKeyVisitor<TVisitor> : IEntryVisitor where TVisitor : IKeyVisitor, allows ref struct
{
    public TVisitor Inner;          // the caller's visitor, copied in and back out around the walk
    public int Seen;                // entries visited, live or not
    private readonly long _nowMs;   // the command's clock, for lazy expiry

    public LiveKeyVisitor(TVisitor inner, long nowMs)
    {
        Inner = inner;
        _nowMs = nowMs;
    }

    public void Visit(Shard shard, int index)
    {
        Seen++;
        ref var e = ref shard.At(index);
        if (e.ExpireAt != 0 && e.ExpireAt <= _nowMs)
        {
            shard.RemoveExpired(index);
            return;
        }
        Inner.Visit(e.Key!, e.Kind);
    }
}
