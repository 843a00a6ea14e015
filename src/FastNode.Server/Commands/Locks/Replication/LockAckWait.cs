using FastNode.Protocol;

namespace FastNode.Server.Commands.Locks.Replication;

/// <summary>
/// A lock change whose reply waits until <see cref="Needed"/> replicas acknowledged the stream up to
/// <see cref="Offset"/> (lock-replication majority). The client is parked like a WAIT: <see cref="LockReplication"/>
/// claims and completes it on the ACK that brings the count up; the connection cancels it at the deadline, and the
/// cancellation undoes the change (a grant or a renewal loses its lease, through the change feed) and answers an error.
/// </summary>
public sealed class LockAckWait : MajorityWait
{
    private readonly LockReplication _replication;
    private readonly LockAckKind _kind;
    private readonly long _token;
    private readonly int _db;
    private readonly byte[] _key;
    private readonly byte[] _owner;
    private readonly bool _semaphore;

    internal LockAckWait(LockReplication replication, long deadlineMs, long offset, int needed, LockAckKind kind, long token,
        int db, byte[] key, byte[] owner, bool semaphore) : base(deadlineMs, offset, needed)
    {
        _replication = replication;
        _kind = kind;
        _token = token;
        _db = db;
        _key = key;
        _owner = owner;
        _semaphore = semaphore;
    }

    protected override void OnCancelled()
    {
        _replication.Remove(this);
        Interlocked.Increment(ref _replication.Stats.MajorityTimeoutsCount);
        if (_kind != LockAckKind.Release) _replication.Undo(_db, _key, _owner, _token, _semaphore);
    }

    public override void WriteReply(ref RespWriter writer)
    {
        if (IsGranted)
        {
            if (_kind == LockAckKind.Acquire) writer.WriteInteger(_token);
            else writer.WriteRaw(RespReplies.One);
        }
        else writer.WriteError(_kind == LockAckKind.Release ? LockReplicationErrors.ReleaseTimeout : LockReplicationErrors.Timeout);
    }
}
