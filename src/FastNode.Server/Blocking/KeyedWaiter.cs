namespace FastNode.Server.Blocking;

/// <summary>
/// A blocked command queued on each of its keys in a <see cref="KeyedWaiterQueues{TWaiter}"/> (BZPOPMIN and friends,
/// XREAD/XREADGROUP BLOCK). <see cref="Queued"/> is guarded by the registry's lock.
/// </summary>
public abstract class KeyedWaiter(byte[][] keys, long deadlineMs) : BlockedCommand(deadlineMs)
{
    /// <summary>Copies of the keys waited on, in argument order.</summary>
    public byte[][] Keys { get; } = keys;

    /// <summary>True while linked in the registry's queues (registry lock).</summary>
    internal bool Queued;
}
