using FastNode.Protocol;
using FastNode.Server.Commands.Locks.Replication;
using FastNode.Server.Storage.RateLimit;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>How a parked limiter reply is written: CL.THROTTLE's array, an RL.* decision, or RL.MULTI's.</summary>
internal enum LimiterReplyShape
{
    Throttle,
    Decision,
    Multi,
}

/// <summary>
/// An admitted rate-limiter call whose reply waits until a majority of the copies hold the limiter's new state
/// (lock-replication majority; docs/locks.md "Guarantees through failures"). A timeout cannot give the cost back (other
/// calls may have been decided on the new state since), so it stays taken and the client gets an error to treat as a
/// refusal: the limiter then under-admits, never over-admits.
/// </summary>
public sealed class LimiterAckWait : MajorityWait
{
    private readonly LockReplication _replication;
    private readonly LimiterReplyShape _shape;
    private readonly LimitDecision[] _decisions;

    internal LimiterAckWait(LockReplication replication, long deadlineMs, long offset, int needed, LimiterReplyShape shape,
        LimitDecision[] decisions) : base(deadlineMs, offset, needed)
    {
        _replication = replication;
        _shape = shape;
        _decisions = decisions;
    }

    protected override void OnCancelled()
    {
        _replication.Remove(this);
        Interlocked.Increment(ref _replication.Stats.MajorityTimeoutsCount);
    }

    public override void WriteReply(ref RespWriter writer)
    {
        if (!IsGranted)
        {
            writer.WriteError(LimiterMajority.Timeout);
            return;
        }
        switch (_shape)
        {
            case LimiterReplyShape.Throttle:
                RateLimitReply.WriteThrottle(ref writer, _decisions[0]);
                break;
            case LimiterReplyShape.Decision:
                RateLimitReply.WriteDecision(ref writer, _decisions[0]);
                break;
            default:
                writer.WriteArrayHeader(_decisions.Length + 1);
                writer.WriteInteger(1);
                foreach (var decision in _decisions) RateLimitReply.WriteDecision(ref writer, decision);
                break;
        }
    }
}
