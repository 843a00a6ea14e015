namespace FastNode.Server.Storage.Locks;

/// <summary>One granted lease of a <see cref="LockState"/>. Lives inline in the state's holder array.</summary>
public struct LockHolder
{
    /// <summary>Owner bytes (the first <see cref="OwnerLength"/>); kept when the slot is freed so the next owner can reuse it.</summary>
    public byte[]? Owner;
    /// <summary>Used length of <see cref="Owner"/>.</summary>
    public int OwnerLength;
    /// <summary>Fencing token issued for this grant (re-acquiring by the same owner keeps it).</summary>
    public long Token;
    /// <summary>Absolute Unix ms at which the lease ends.</summary>
    public long Deadline;

    public readonly ReadOnlySpan<byte> OwnerSpan => Owner.AsSpan(0, OwnerLength);
}
