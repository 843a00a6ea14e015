namespace FastNode.Server.Commands.Server.Docs;

/// <summary>
/// Docs of FastNode's own commands (locks, semaphores, rate limiting), so COMMAND DOCS gives redis-cli its usual hints
/// for them. The syntaxes are the ones docs/locks.md and docs/rate-limiting.md describe; "since" is FastNode's first
/// version.
/// </summary>
public static class FastNodeDocs
{
    private const string Since = "0.1.0";

    public static readonly CommandDoc[] All =
    [
        new("LOCK.ACQUIRE", Since, "O(1)", "Takes a lock with a lease and returns its fencing token, optionally waiting for it.",
            "key owner ttl_ms=i [WAIT timeout_ms=i]") { KeyFlags = "RW update" },
        new("LOCK.RELEASE", Since, "O(1)", "Releases a lock its owner holds; the next waiter gets it.", "key owner") { KeyFlags = "RW update" },
        new("LOCK.RENEW", Since, "O(1)", "Extends the lease of a lock its owner holds.", "key owner ttl_ms=i") { KeyFlags = "RW update" },
        new("LOCK.INFO", Since, "O(1)", "Describes a lock: owner, remaining lease, token and waiters.", "key") { KeyFlags = "RO access" },
        new("SEM.ACQUIRE", Since, "O(1)", "Takes one permit of a semaphore with a lease and returns its fencing token, optionally waiting.",
            "key owner permits=i ttl_ms=i [WAIT timeout_ms=i]") { KeyFlags = "RW update" },
        new("SEM.RELEASE", Since, "O(1)", "Gives back an owner's permit; the next waiter gets it.", "key owner") { KeyFlags = "RW update" },
        new("SEM.RENEW", Since, "O(1)", "Extends the lease of an owner's permit.", "key owner ttl_ms=i") { KeyFlags = "RW update" },
        new("SEM.INFO", Since, "O(N) where N is the number of holders", "Describes a semaphore: permits, holders and waiters.", "key")
            { KeyFlags = "RO access" },
        new("CL.THROTTLE", Since, "O(1)", "Checks and counts a request against a GCRA rate limit (redis-cell compatible).",
            "key max_burst=i count_per_period=i period=i [quantity=i]") { KeyFlags = "RW update" },
        new("RL.GCRA", Since, "O(1)", "Checks and counts a request against a GCRA rate limit.",
            "key max_burst=i count_per_period=i period_ms=i [COST n=i]") { KeyFlags = "RW update" },
        new("RL.TOKENBUCKET", Since, "O(1)", "Takes tokens from a token bucket that refills at a steady rate.",
            "key capacity=i refill=i [PERIOD ms=i] [COST n=i]") { KeyFlags = "RW update" },
        new("RL.SLIDINGLOG", Since, "O(log N) where N is the number of requests in the window", "Counts a request in an exact sliding window.",
            "key limit=i window_ms=i [COST n=i]") { KeyFlags = "RW update" },
        new("RL.SLIDINGWINDOW", Since, "O(1)", "Counts a request in an approximate sliding window (two fixed windows, weighted).",
            "key limit=i window_ms=i [COST n=i]") { KeyFlags = "RW update" },
        new("RL.CONCURRENCY.ACQUIRE", Since, "O(1)", "Takes one of a limited number of concurrent leases and returns its id.",
            "key limit=i lease_ttl_ms=i") { KeyFlags = "RW update" },
        new("RL.CONCURRENCY.RELEASE", Since, "O(1)", "Gives back a concurrency lease.", "key lease_id=i") { KeyFlags = "RW update" },
        new("RL.CONCURRENCY.RENEW", Since, "O(1)", "Extends a concurrency lease.", "key lease_id=i lease_ttl_ms=i") { KeyFlags = "RW update" },
        new("RL.MULTI", Since, "O(N) where N is the number of limits", "Checks several rate limits together and counts the request in all or none.",
            "numlimits=i (type limit_key args ...) ...") { KeyFlags = "RW update" },
    ];
}
