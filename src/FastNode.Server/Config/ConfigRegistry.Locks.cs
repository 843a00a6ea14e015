using FastNode.Server.Commands.Locks.Replication;

namespace FastNode.Server.Config;

/// <summary>The lock service's settings (FastNode's own; docs/locks.md "Replication and fencing").</summary>
public sealed partial class ConfigRegistry
{
    private void AddLockSettings(LockReplicationOptions locks)
    {
        Choice("lock-replication", () => locks.Majority ? "majority" : "async", v => locks.Majority = v == "majority", immutable: false,
            ["majority", "async"]);
        Int("lock-replication-timeout", () => locks.TimeoutMs, v => locks.TimeoutMs = v, 1, LockTimeoutMaxMs);
    }

    private const int LockTimeoutMaxMs = 24 * 60 * 60 * 1000;
}
