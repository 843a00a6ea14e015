namespace FastNode.Server.Persistence.Rdb;

/// <summary>One saved lease: owner, fencing token, deadline in Unix ms.</summary>
public readonly record struct LockLease(byte[] Owner, long Token, long DeadlineMs);
