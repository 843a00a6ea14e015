using FastNode.Server.Persistence;
using FastNode.Server.Sessions;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Streams;

/// <summary>
/// Where the effects of a group read go (XCLAIM and XGROUP SETID records, as Redis propagates XREADGROUP): the running
/// command's place in the change feed, or, for a blocked reader served by another client's XADD, after that
/// command's own record.
/// </summary>
internal readonly struct StreamRecordSink
{
    private readonly ServerState? _server;
    private readonly ClientSession? _session;
    private readonly Database _db;

    private StreamRecordSink(ServerState? server, ClientSession? session, Database db, bool active)
    {
        _server = server;
        _session = session;
        _db = db;
        Active = active;
    }

    public bool Active { get; }

    public static StreamRecordSink ForCommand(ref CommandContext ctx) => new(ctx.Server, ctx.Session, ctx.Db, ctx.Propagating);

    public static StreamRecordSink ForServedWaiter(Database db) => new(null, null, db, db.Observer is not null);

    public void Emit(scoped ref ChangeRecord record)
    {
        if (_session is not null) _session.FeedOffset = _server!.Feed.Append(_session.DbIndex, ref record);
        else _db.Observer?.ServedWaiter(_db, ref record);
    }
}
