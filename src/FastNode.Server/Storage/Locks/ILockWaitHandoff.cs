namespace FastNode.Server.Storage.Locks;

/// <summary>
/// The blocked client behind a <see cref="LockWaiter"/> (implemented by the server's blocking machinery). The grant
/// hand-off: under the shard lock the state calls <see cref="TryClaim"/>, and only when it returns true grants the
/// waiter (stores its token) and then calls <see cref="Complete"/>; a waiter that already gave up is skipped.
/// </summary>
public interface ILockWaitHandoff
{
    /// <summary>True means "serve this waiter now"; false once it timed out or its client left.</summary>
    bool TryClaim();

    /// <summary>Wakes the client after its result was stored. Must not run the client's code inline (we hold a lock).</summary>
    void Complete();
}
