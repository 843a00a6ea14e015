using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Lists;

namespace FastNode.Server.Blocking;

/// <summary>
/// A client blocked in BLPOP, BRPOP, BLMOVE, BRPOPLPUSH or BLMPOP. It is registered on every key it waits for
/// (one <see cref="ListWaiterNode"/> each, see <see cref="ListWaiterRegistry"/>). A waker (<see cref="ListBlocking"/>)
/// claims it with <see cref="BlockedCommand.TryClaim"/> under the key's shard lock, pops for it, stores the result
/// here and completes it; the connection then writes the reply through <see cref="WriteReply"/>.
///
/// The result fields are written by the waker before <see cref="BlockedCommand.Complete"/> and read by the
/// connection after <see cref="BlockedCommand.Completion"/>, so they need no lock of their own.
/// </summary>
public sealed class ListWaiter : BlockedCommand
{
    private ListWaiterNode[] _nodes = [];

    public ListWaiter(Database db, int dbIndex, ListWaitKind kind, ListEnd from, long deadlineMs) : base(deadlineMs)
    {
        Db = db;
        DbIndex = dbIndex;
        Kind = kind;
        From = from;
    }

    public Database Db { get; }
    public int DbIndex { get; }
    public ListWaitKind Kind { get; }
    /// <summary>The end popped from.</summary>
    public ListEnd From { get; }
    /// <summary>BLMOVE: the end of <see cref="Destination"/> pushed to.</summary>
    public ListEnd To { get; init; }
    /// <summary>BLMOVE: the destination key (a copy), and its hash.</summary>
    public byte[]? Destination { get; init; }
    public ulong DestinationHash { get; init; }
    /// <summary>BLMPOP: the most elements to pop.</summary>
    public long Count { get; init; } = 1;

    /// <summary>The key the element(s) came from (BLPOP, BLMPOP).</summary>
    internal byte[]? GrantedKey;
    /// <summary>The element popped (BLPOP, BLMOVE).</summary>
    internal byte[]? Element;
    /// <summary>The elements popped (BLMPOP).</summary>
    internal byte[][]? Elements;
    /// <summary>BLMOVE whose destination held another type when an element arrived: answered WRONGTYPE.</summary>
    internal bool WrongType;

    internal ReadOnlySpan<ListWaiterNode> Nodes => _nodes;

    /// <summary>
    /// Registers the waiter on each distinct key (first key first). Call with every key's shard lock held, after
    /// checking that none of them holds an element.
    /// </summary>
    public void Register(ReadOnlySpan<byte> key, ulong hash)
    {
        foreach (var existing in _nodes)
        {
            if (existing.Hash == hash && key.SequenceEqual(existing.Key)) return;
        }
        var node = new ListWaiterNode(this, key.ToArray(), hash, Db.ShardIndex(hash));
        Array.Resize(ref _nodes, _nodes.Length + 1);
        _nodes[^1] = node;
        ListWaiterRegistry.For(Db).Link(node);
    }

    protected override void OnCancelled() => Detach();

    /// <summary>
    /// Unlinks every node still queued, taking each node's shard lock in turn (one at a time, so no ordering issue).
    /// Runs on the connection, with no lock held; wakers unlink the nodes whose locks they already hold.
    /// </summary>
    internal void Detach()
    {
        foreach (var node in _nodes)
        {
            if (Volatile.Read(ref node.Queue) is null) continue;
            using (Db.LockShard(node.ShardIndex)) ListWaiterRegistry.Unlink(node);
        }
    }

    public override void WriteReply(ref RespWriter writer)
    {
        Detach();
        if (!IsGranted)
        {
            writer.WriteNullArray();
            return;
        }
        if (WrongType)
        {
            writer.WriteError(RespErrors.WrongType);
            return;
        }
        switch (Kind)
        {
            case ListWaitKind.Move:
                writer.WriteBulkString(Element);
                break;
            case ListWaitKind.Pop:
                writer.WriteArrayHeader(2);
                writer.WriteBulkString(GrantedKey);
                writer.WriteBulkString(Element);
                break;
            default:
                writer.WriteArrayHeader(2);
                writer.WriteBulkString(GrantedKey);
                writer.WriteArrayHeader(Elements!.Length);
                foreach (var element in Elements) writer.WriteBulkString(element);
                break;
        }
    }
}
