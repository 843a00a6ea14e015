using FastNode.Protocol;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Blocking;

/// <summary>
/// A client blocked in BZPOPMIN / BZPOPMAX / BZMPOP: queued on every key it waits for in its database's
/// <see cref="SortedSetWaiters"/>. The waker (a command that just stored a non-empty set at one of the keys) claims
/// it, pops into it with that key open and completes it; the connection then writes the reply.
/// <see cref="Queued"/> is guarded by the registry's lock; the result fields are written by the waker after
/// <see cref="BlockedCommand.TryClaim"/> and read by the connection after <see cref="BlockedCommand.Completion"/>.
/// </summary>
public sealed class SortedSetWaiter : KeyedWaiter
{
    private readonly SortedSetWaiters _registry;
    private byte[]? _key;
    private byte[][]? _members;
    private double[]? _scores;

    /// <param name="keys">Copies of the keys, in argument order.</param>
    /// <param name="max">Pop the highest scores (BZPOPMAX, BZMPOP MAX) rather than the lowest.</param>
    /// <param name="count">How many to pop at most (1 for BZPOPMIN/BZPOPMAX).</param>
    /// <param name="multiPop">BZMPOP's reply shape ([key, [[member, score]...]]) rather than BZPOPMIN's [key, member, score].</param>
    public SortedSetWaiter(SortedSetWaiters registry, byte[][] keys, bool max, long count, bool multiPop, long deadlineMs)
        : base(keys, deadlineMs)
    {
        _registry = registry;
        Max = max;
        Count = count;
        MultiPop = multiPop;
    }

    public bool Max { get; }
    public long Count { get; }
    public bool MultiPop { get; }

    /// <summary>
    /// Pops up to <see cref="Count"/> members of <paramref name="value"/> into this waiter (waker, with the key open);
    /// returns how many.
    /// </summary>
    internal int Take(ReadOnlySpan<byte> key, SortedSetValue value)
    {
        int n = (int)Math.Min(Count, value.Count);
        var members = new byte[n][];
        var scores = new double[n];
        var position = value.AtRank(Max ? value.Count - 1 : 0);
        for (int i = 0; i < n; i++)
        {
            members[i] = value.MemberAt(position).ToArray();
            scores[i] = value.ScoreAt(position);
            position = Max ? value.Previous(position) : value.Next(position);
        }
        if (Max) value.RemoveRankRange(value.Count - n, value.Count - 1);
        else value.RemoveRankRange(0, n - 1);
        _key = key.ToArray();
        _members = members;
        _scores = scores;
        return n;
    }

    protected override void OnCancelled() => _registry.Remove(this);

    public override void WriteReply(ref RespWriter writer)
    {
        if (!IsGranted || _key is null)
        {
            writer.WriteNullArray();
            return;
        }
        if (!MultiPop)
        {
            writer.WriteArrayHeader(3);
            writer.WriteBulkString(_key);
            writer.WriteBulkString(_members![0]);
            writer.WriteDouble(_scores![0]);
            return;
        }
        writer.WriteArrayHeader(2);
        writer.WriteBulkString(_key);
        writer.WriteArrayHeader(_members!.Length);
        for (int i = 0; i < _members.Length; i++)
        {
            writer.WriteArrayHeader(2);
            writer.WriteBulkString(_members[i]);
            writer.WriteDouble(_scores![i]);
        }
    }
}
