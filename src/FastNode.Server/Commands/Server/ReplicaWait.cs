using FastNode.Protocol;
using FastNode.Server.Blocking;

namespace FastNode.Server.Commands.Server;

/// <summary>A WAIT that no replica will ever satisfy: it only ends by timeout or disconnect, answering 0.</summary>
public sealed class ReplicaWait(long deadlineMs) : BlockedCommand(deadlineMs)
{
    protected override void OnCancelled()
    {
    }

    public override void WriteReply(ref RespWriter writer) => writer.WriteRaw(RespReplies.Zero);
}
