using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Persistence.Replication;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// A blocked WAIT: ends when <see cref="Replicas"/> replicas acknowledged <see cref="Offset"/> (checked on every ACK),
/// or at the timeout, answering how many had acknowledged by then.
/// </summary>
public sealed class ReplicaWait(long deadlineMs, long offset, int replicas, ReplicationState replication) : BlockedCommand(deadlineMs)
{
    /// <summary>The stream offset of the client's last write.</summary>
    public long Offset { get; } = offset;

    /// <summary>How many replicas the client asked for.</summary>
    public int Replicas { get; } = replicas;

    /// <summary>Replicas that had acknowledged when the wait ended.</summary>
    public int Acked;

    protected override void OnCancelled()
    {
        replication.RemoveWait(this);
        Acked = replication.CountAcked(Offset);
    }

    public override void WriteReply(ref RespWriter writer) => writer.WriteInteger(Acked);
}
