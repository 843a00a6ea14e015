using FastNode.Protocol;
using FastNode.Server.Commands.Connection;
using FastNode.Server.Commands.Expiry;
using FastNode.Server.Commands.Keys;
using FastNode.Server.Commands.PubSub;
using FastNode.Server.Commands.Strings;
using FastNode.Server.Commands.Transactions;
using static FastNode.Server.Commands.CommandFlags;

namespace FastNode.Server.Commands;

/// <summary>
/// Every command FastNode serves, one line each, in the shape of Redis's command metadata:
/// name, arity (negative = at least), flags, first key, last key, key step, handler, group.
/// The dispatcher checks existence, arity and auth from this table before any handler runs.
/// </summary>
public sealed class CommandTable
{
    /// <summary>A fresh table: each server gets its own rows, so INFO commandstats counters are per server.</summary>
    public static CommandTable Create() => new(
    [
        // connection
        new("PING", -1, Fast, 0, 0, 0, ConnectionCommands.Ping, "connection"),
        new("ECHO", 2, Loading | Stale | Fast, 0, 0, 0, ConnectionCommands.Echo, "connection"),
        new("QUIT", -1, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy, 0, 0, 0, ConnectionCommands.Quit, "connection"),
        new("HELLO", -1, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy, 0, 0, 0, ConnectionCommands.Hello, "connection"),
        new("AUTH", -2, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy, 0, 0, 0, ConnectionCommands.Auth, "connection"),
        new("SELECT", 2, Loading | Stale | Fast, 0, 0, 0, ConnectionCommands.Select, "connection"),
        new("RESET", 1, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy, 0, 0, 0, ConnectionCommands.Reset, "connection"),
        new("CLIENT", -2, Container, 0, 0, 0, null, "connection", Subcommands:
        [
            Sub("client", "CACHING", 3, NoScript | Loading | Stale, ClientTrackingCommands.Caching),
            Sub("client", "GETNAME", 2, NoScript | Loading | Stale, ClientCommands.GetName),
            Sub("client", "GETREDIR", 2, NoScript | Loading | Stale, ClientTrackingCommands.GetRedir),
            Sub("client", "HELP", 2, Loading | Stale, ClientCommands.Help),
            Sub("client", "ID", 2, NoScript | Loading | Stale, ClientCommands.Id),
            Sub("client", "INFO", 2, NoScript | Loading | Stale, ClientCommands.Info),
            Sub("client", "KILL", -3, Admin | NoScript | Loading | Stale, ClientCommands.Kill),
            Sub("client", "LIST", -2, Admin | NoScript | Loading | Stale, ClientCommands.List),
            Sub("client", "NO-EVICT", 3, Admin | NoScript | Loading | Stale, ClientCommands.NoEvict),
            Sub("client", "PAUSE", -3, Admin | NoScript | Loading | Stale, ClientPauseCommands.Pause),
            Sub("client", "REPLY", 3, NoScript | Loading | Stale | NoReply, ClientCommands.Reply),
            Sub("client", "SETINFO", 4, NoScript | Loading | Stale, ClientCommands.SetInfo),
            Sub("client", "SETNAME", 3, NoScript | Loading | Stale, ClientCommands.SetName),
            Sub("client", "TRACKING", -3, NoScript | Loading | Stale, ClientTrackingCommands.Tracking),
            Sub("client", "TRACKINGINFO", 2, NoScript | Loading | Stale, ClientTrackingCommands.TrackingInfo),
            Sub("client", "UNBLOCK", -3, Admin | NoScript | Loading | Stale, ClientCommands.Unblock),
            Sub("client", "UNPAUSE", 2, Admin | NoScript | Loading | Stale, ClientPauseCommands.Unpause),
        ]),

        new("ACL", -2, Container, 0, 0, 0, null, "server", Subcommands:
        [
            Sub("acl", "CAT", -2, NoScript | Loading | Stale, Acl.AclCommands.Cat),
            Sub("acl", "DELUSER", -3, Admin | NoScript | Loading | Stale, Acl.AclCommands.DelUser),
            Sub("acl", "DRYRUN", -4, Admin | NoScript | Loading | Stale, Acl.AclCommands.DryRun),
            Sub("acl", "GENPASS", -2, NoScript | Loading | Stale, Acl.AclCommands.GenPass),
            Sub("acl", "GETUSER", 3, Admin | NoScript | Loading | Stale, Acl.AclCommands.GetUser),
            Sub("acl", "HELP", 2, Loading | Stale, Acl.AclCommands.Help),
            Sub("acl", "LIST", 2, Admin | NoScript | Loading | Stale, Acl.AclCommands.List),
            Sub("acl", "LOAD", 2, Admin | NoScript | Loading | Stale, Acl.AclCommands.Load),
            Sub("acl", "LOG", -2, Admin | NoScript | Loading | Stale, Acl.AclCommands.Log),
            Sub("acl", "SAVE", 2, Admin | NoScript | Loading | Stale, Acl.AclCommands.Save),
            Sub("acl", "SETUSER", -3, Admin | NoScript | Loading | Stale, Acl.AclCommands.SetUser),
            Sub("acl", "USERS", 2, Admin | NoScript | Loading | Stale, Acl.AclCommands.Users),
            Sub("acl", "WHOAMI", 2, NoScript | Loading | Stale, Acl.AclCommands.WhoAmI),
        ]),

        // pub/sub (Commands/PubSub, PubSub/). The shard forms name their channels as keys (cluster slots), as Redis does.
        new("SUBSCRIBE", -2, CommandFlags.PubSub | NoScript | Loading | Stale, 0, 0, 0, PubSubCommands.Subscribe, "pubsub"),
        new("UNSUBSCRIBE", -1, CommandFlags.PubSub | NoScript | Loading | Stale, 0, 0, 0, PubSubCommands.Unsubscribe, "pubsub"),
        new("PSUBSCRIBE", -2, CommandFlags.PubSub | NoScript | Loading | Stale, 0, 0, 0, PubSubCommands.PSubscribe, "pubsub"),
        new("PUNSUBSCRIBE", -1, CommandFlags.PubSub | NoScript | Loading | Stale, 0, 0, 0, PubSubCommands.PUnsubscribe, "pubsub"),
        new("PUBLISH", 3, CommandFlags.PubSub | Loading | Stale | Fast | MayReplicate, 0, 0, 0, PubSubCommands.Publish, "pubsub"),
        new("SSUBSCRIBE", -2, CommandFlags.PubSub | NoScript | Loading | Stale, 1, -1, 1, PubSubCommands.SSubscribe, "pubsub"),
        new("SUNSUBSCRIBE", -1, CommandFlags.PubSub | NoScript | Loading | Stale, 1, -1, 1, PubSubCommands.SUnsubscribe, "pubsub"),
        new("SPUBLISH", 3, CommandFlags.PubSub | Loading | Stale | Fast | MayReplicate, 1, 1, 1, PubSubCommands.SPublish, "pubsub"),
        new("PUBSUB", -2, Container, 0, 0, 0, null, "pubsub", Subcommands:
        [
            Sub("pubsub", "CHANNELS", -2, CommandFlags.PubSub | Loading | Stale, PubSubIntrospectionCommands.Channels),
            Sub("pubsub", "HELP", 2, Loading | Stale, PubSubIntrospectionCommands.Help),
            Sub("pubsub", "NUMPAT", 2, CommandFlags.PubSub | Loading | Stale, PubSubIntrospectionCommands.NumPat),
            Sub("pubsub", "NUMSUB", -2, CommandFlags.PubSub | Loading | Stale, PubSubIntrospectionCommands.NumSub),
            Sub("pubsub", "SHARDCHANNELS", -2, CommandFlags.PubSub | Loading | Stale, PubSubIntrospectionCommands.ShardChannels),
            Sub("pubsub", "SHARDNUMSUB", -2, CommandFlags.PubSub | Loading | Stale, PubSubIntrospectionCommands.ShardNumSub),
        ]),

        // transactions
        new("MULTI", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, TransactionCommands.Multi, "transactions"),
        new("EXEC", 1, NoScript | Loading | Stale | SkipSlowlog, 0, 0, 0, TransactionCommands.Exec, "transactions"),
        new("DISCARD", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, TransactionCommands.Discard, "transactions"),
        new("WATCH", -2, NoScript | Loading | Stale | Fast | AllowBusy, 1, -1, 1, TransactionCommands.Watch, "transactions"),
        new("UNWATCH", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, TransactionCommands.Unwatch, "transactions"),

        // keys
        new("DEL", -2, Write, 1, -1, 1, KeyCommands.Del, "generic"),
        new("UNLINK", -2, Write | Fast, 1, -1, 1, KeyCommands.Unlink, "generic"),
        new("EXISTS", -2, ReadOnly | Fast, 1, -1, 1, KeyCommands.Exists, "generic"),
        new("TOUCH", -2, ReadOnly | Fast, 1, -1, 1, KeyCommands.Touch, "generic"),
        new("TYPE", 2, ReadOnly | Fast, 1, 1, 1, KeyCommands.Type, "generic"),
        new("RANDOMKEY", 1, ReadOnly, 0, 0, 0, KeyCommands.RandomKey, "generic"),
        new("KEYS", 2, ReadOnly, 0, 0, 0, KeyScanCommands.Keys, "generic"),
        new("SCAN", -2, ReadOnly, 0, 0, 0, KeyScanCommands.Scan, "generic"),
        new("RENAME", 3, Write, 1, 2, 1, KeyMoveCommands.Rename, "generic"),
        new("RENAMENX", 3, Write | Fast, 1, 2, 1, KeyMoveCommands.RenameNx, "generic"),
        new("DUMP", 2, ReadOnly, 1, 1, 1, Persistence.DumpCommands.Dump, "generic"),
        new("MIGRATE", -6, Write | MovableKeys, 3, 3, 1, Persistence.MigrateCommands.Migrate, "generic"),
        new("RESTORE", -4, Write | DenyOom, 1, 1, 1, Persistence.DumpCommands.Restore, "generic"),
        new("RESTORE-ASKING", -4, Write | DenyOom, 1, 1, 1, Persistence.DumpCommands.Restore, "generic"),
        new("COPY", -3, Write | DenyOom, 1, 2, 1, KeyMoveCommands.Copy, "generic"),
        new("MOVE", 3, Write | Fast, 1, 1, 1, KeyMoveCommands.Move, "generic"),
        new("OBJECT", -2, Container, 0, 0, 0, null, "generic", Subcommands:
        [
            Sub("object", "ENCODING", 3, ReadOnly, ObjectCommands.Encoding, 2, 2, 1),
            Sub("object", "FREQ", 3, ReadOnly, ObjectCommands.Freq, 2, 2, 1),
            Sub("object", "IDLETIME", 3, ReadOnly, ObjectCommands.IdleTime, 2, 2, 1),
            Sub("object", "REFCOUNT", 3, ReadOnly, ObjectCommands.RefCount, 2, 2, 1),
            Sub("object", "HELP", 2, Loading | Stale, ObjectCommands.Help),
        ]),

        // expiry
        new("EXPIRE", -3, Write | Fast, 1, 1, 1, ExpiryCommands.Expire, "generic"),
        new("PEXPIRE", -3, Write | Fast, 1, 1, 1, ExpiryCommands.PExpire, "generic"),
        new("EXPIREAT", -3, Write | Fast, 1, 1, 1, ExpiryCommands.ExpireAt, "generic"),
        new("PEXPIREAT", -3, Write | Fast, 1, 1, 1, ExpiryCommands.PExpireAt, "generic"),
        new("TTL", 2, ReadOnly | Fast, 1, 1, 1, ExpiryCommands.Ttl, "generic"),
        new("PTTL", 2, ReadOnly | Fast, 1, 1, 1, ExpiryCommands.PTtl, "generic"),
        new("EXPIRETIME", 2, ReadOnly | Fast, 1, 1, 1, ExpiryCommands.ExpireTime, "generic"),
        new("PEXPIRETIME", 2, ReadOnly | Fast, 1, 1, 1, ExpiryCommands.PExpireTime, "generic"),
        new("PERSIST", 2, Write | Fast, 1, 1, 1, ExpiryCommands.Persist, "generic"),

        // locks (docs/locks.md). LOCK.ACQUIRE / SEM.ACQUIRE block with WAIT, like BLPOP.
        new("LOCK.ACQUIRE", -4, Write | DenyOom | CommandFlags.Blocking, 1, 1, 1, Locks.LockCommands.Acquire, "lock"),
        new("LOCK.RELEASE", 3, Write | Fast, 1, 1, 1, Locks.LockCommands.Release, "lock"),
        new("LOCK.RENEW", 4, Write | Fast, 1, 1, 1, Locks.LockCommands.Renew, "lock"),
        new("LOCK.INFO", 2, ReadOnly | Fast, 1, 1, 1, Locks.LockCommands.Info, "lock"),
        new("SEM.ACQUIRE", -5, Write | DenyOom | CommandFlags.Blocking, 1, 1, 1, Locks.SemaphoreCommands.Acquire, "lock"),
        new("SEM.RELEASE", 3, Write | Fast, 1, 1, 1, Locks.SemaphoreCommands.Release, "lock"),
        new("SEM.RENEW", 4, Write | Fast, 1, 1, 1, Locks.SemaphoreCommands.Renew, "lock"),
        new("SEM.INFO", 2, ReadOnly | Fast, 1, 1, 1, Locks.SemaphoreCommands.Info, "lock"),
        new("LOCK.FENCED", -4, Write | DenyOom, 1, 1, 1, Locks.FencedWriteCommand.Fenced, "lock"),
        new("LOCK.EPOCH", 2, Write | Fast, 0, 0, 0, Locks.LockEpochCommand.Epoch, "lock"),

        // strings
        new("GET", 2, ReadOnly | Fast, 1, 1, 1, StringCommands.Get, "string"),
        new("SET", -3, Write | DenyOom | ShortRunning, 1, 1, 1, StringCommands.Set, "string"),
        new("SETNX", 3, Write | DenyOom | Fast, 1, 1, 1, StringCommands.SetNx, "string"),
        new("SETEX", 4, Write | DenyOom | ShortRunning, 1, 1, 1, StringCommands.SetEx, "string"),
        new("PSETEX", 4, Write | DenyOom | ShortRunning, 1, 1, 1, StringCommands.PSetEx, "string"),
        new("GETSET", 3, Write | DenyOom | Fast, 1, 1, 1, StringCommands.GetSet, "string"),
        new("INCR", 2, Write | DenyOom | Fast, 1, 1, 1, StringCommands.Incr, "string"),
        new("DECR", 2, Write | DenyOom | Fast, 1, 1, 1, StringCommands.Decr, "string"),
        new("INCRBY", 3, Write | DenyOom | Fast, 1, 1, 1, StringCommands.IncrBy, "string"),
        new("DECRBY", 3, Write | DenyOom | Fast, 1, 1, 1, StringCommands.DecrBy, "string"),
        new("INCRBYFLOAT", 3, Write | DenyOom | Fast, 1, 1, 1, StringCommands.IncrByFloat, "string"),
        new("GETDEL", 2, Write | Fast, 1, 1, 1, StringCommands.GetDel, "string"),
        new("GETEX", -2, Write | Fast, 1, 1, 1, StringCommands.GetEx, "string"),
        new("MGET", -2, ReadOnly | Fast, 1, -1, 1, MultiKeyStringCommands.MGet, "string"),
        new("MSET", -3, Write | DenyOom | ShortRunning, 1, -1, 2, MultiKeyStringCommands.MSet, "string"),
        new("MSETNX", -3, Write | DenyOom | ShortRunning, 1, -1, 2, MultiKeyStringCommands.MSetNx, "string"),
        new("APPEND", 3, Write | DenyOom | Fast, 1, 1, 1, StringRangeCommands.Append, "string"),
        new("STRLEN", 2, ReadOnly | Fast, 1, 1, 1, StringRangeCommands.StrLen, "string"),
        new("GETRANGE", 4, ReadOnly, 1, 1, 1, StringRangeCommands.GetRange, "string"),
        new("SUBSTR", 4, ReadOnly, 1, 1, 1, StringRangeCommands.GetRange, "string"),
        new("SETRANGE", 4, Write | DenyOom, 1, 1, 1, StringRangeCommands.SetRange, "string"),
        new("LCS", -3, ReadOnly, 1, 2, 1, LcsCommand.Lcs, "string"),

        // bitmaps (Commands/Bits): string values read and written bit by bit
        new("SETBIT", 4, Write | DenyOom | ShortRunning, 1, 1, 1, Bits.BitCommands.SetBit, "bitmap"),
        new("GETBIT", 3, ReadOnly | Fast, 1, 1, 1, Bits.BitCommands.GetBit, "bitmap"),
        new("BITCOUNT", -2, ReadOnly, 1, 1, 1, Bits.BitCommands.BitCount, "bitmap"),
        new("BITPOS", -3, ReadOnly, 1, 1, 1, Bits.BitCommands.BitPos, "bitmap"),
        new("BITOP", -4, Write | DenyOom, 2, -1, 1, Bits.BitOpCommand.BitOp, "bitmap"),
        new("BITFIELD", -2, Write | DenyOom | ShortRunning, 1, 1, 1, Bits.BitfieldCommand.Bitfield, "bitmap"),
        new("BITFIELD_RO", -2, ReadOnly | Fast, 1, 1, 1, Bits.BitfieldCommand.BitfieldRo, "bitmap"),

        // HyperLogLog (Commands/HyperLogLog): Redis's HLL string format
        new("PFADD", -2, Write | DenyOom | Fast, 1, 1, 1, HyperLogLog.HllCommands.PfAdd, "hyperloglog"),
        new("PFCOUNT", -2, ReadOnly | ShortRunning, 1, -1, 1, HyperLogLog.HllCommands.PfCount, "hyperloglog"),
        new("PFMERGE", -2, Write | DenyOom, 1, -1, 1, HyperLogLog.HllCommands.PfMerge, "hyperloglog"),
        new("PFDEBUG", 3, Write | DenyOom | Admin, 2, 2, 1, HyperLogLog.HllDebugCommands.PfDebug, "hyperloglog"),
        new("PFSELFTEST", 1, Admin, 0, 0, 0, HyperLogLog.HllDebugCommands.PfSelfTest, "hyperloglog"),

        // lists. LMPOP/BLMPOP take their keys after numkeys (Redis: movablekeys, first key 0) and tell WATCH themselves.
        new("LPUSH", -3, Write | DenyOom | Fast, 1, 1, 1, Lists.ListCommands.LPush, "list"),
        new("RPUSH", -3, Write | DenyOom | Fast, 1, 1, 1, Lists.ListCommands.RPush, "list"),
        new("LPUSHX", -3, Write | DenyOom | Fast, 1, 1, 1, Lists.ListCommands.LPushX, "list"),
        new("RPUSHX", -3, Write | DenyOom | Fast, 1, 1, 1, Lists.ListCommands.RPushX, "list"),
        new("LPOP", -2, Write | Fast, 1, 1, 1, Lists.ListCommands.LPop, "list"),
        new("RPOP", -2, Write | Fast, 1, 1, 1, Lists.ListCommands.RPop, "list"),
        new("LLEN", 2, ReadOnly | Fast, 1, 1, 1, Lists.ListCommands.LLen, "list"),
        new("LRANGE", 4, ReadOnly, 1, 1, 1, Lists.ListCommands.LRange, "list"),
        new("LINDEX", 3, ReadOnly, 1, 1, 1, Lists.ListCommands.LIndex, "list"),
        new("LSET", 4, Write | DenyOom, 1, 1, 1, Lists.ListCommands.LSet, "list"),
        new("LINSERT", 5, Write | DenyOom, 1, 1, 1, Lists.ListEditCommands.LInsert, "list"),
        new("LREM", 4, Write, 1, 1, 1, Lists.ListEditCommands.LRem, "list"),
        new("LTRIM", 4, Write, 1, 1, 1, Lists.ListEditCommands.LTrim, "list"),
        new("LPOS", -3, ReadOnly, 1, 1, 1, Lists.ListEditCommands.LPos, "list"),
        new("LMOVE", 5, Write | DenyOom, 1, 2, 1, Lists.ListMoveCommands.LMove, "list"),
        new("RPOPLPUSH", 3, Write | DenyOom, 1, 2, 1, Lists.ListMoveCommands.RPopLPush, "list"),
        new("LMPOP", -4, Write | MovableKeys, 0, 0, 0, Lists.ListMoveCommands.LMPop, "list"),
        new("BLPOP", -3, Write | NoScript | CommandFlags.Blocking, 1, -2, 1, Lists.BlockingListCommands.BLPop, "list"),
        new("BRPOP", -3, Write | NoScript | CommandFlags.Blocking, 1, -2, 1, Lists.BlockingListCommands.BRPop, "list"),
        new("BLMOVE", 6, Write | DenyOom | NoScript | CommandFlags.Blocking, 1, 2, 1, Lists.BlockingListCommands.BLMove, "list"),
        new("BRPOPLPUSH", 4, Write | DenyOom | NoScript | CommandFlags.Blocking, 1, 2, 1, Lists.BlockingListCommands.BRPopLPush, "list"),
        new("BLMPOP", -5, Write | CommandFlags.Blocking | MovableKeys, 0, 0, 0, Lists.BlockingListCommands.BLMPop, "list"),

        // hashes
        new("HSET", -4, Write | DenyOom | Fast, 1, 1, 1, Hashes.HashCommands.HSet, "hash"),
        new("HSETNX", 4, Write | DenyOom | Fast, 1, 1, 1, Hashes.HashCommands.HSetNx, "hash"),
        new("HGET", 3, ReadOnly | Fast, 1, 1, 1, Hashes.HashCommands.HGet, "hash"),
        new("HMSET", -4, Write | DenyOom | Fast, 1, 1, 1, Hashes.HashCommands.HMSet, "hash"),
        new("HMGET", -3, ReadOnly | Fast, 1, 1, 1, Hashes.HashCommands.HMGet, "hash"),
        new("HGETALL", 2, ReadOnly, 1, 1, 1, Hashes.HashCommands.HGetAll, "hash"),
        new("HDEL", -3, Write | Fast, 1, 1, 1, Hashes.HashCommands.HDel, "hash"),
        new("HEXISTS", 3, ReadOnly | Fast, 1, 1, 1, Hashes.HashCommands.HExists, "hash"),
        new("HLEN", 2, ReadOnly | Fast, 1, 1, 1, Hashes.HashCommands.HLen, "hash"),
        new("HKEYS", 2, ReadOnly, 1, 1, 1, Hashes.HashCommands.HKeys, "hash"),
        new("HVALS", 2, ReadOnly, 1, 1, 1, Hashes.HashCommands.HVals, "hash"),
        new("HSTRLEN", 3, ReadOnly | Fast, 1, 1, 1, Hashes.HashCommands.HStrLen, "hash"),
        new("HINCRBY", 4, Write | DenyOom | Fast, 1, 1, 1, Hashes.HashIncrementCommands.HIncrBy, "hash"),
        new("HINCRBYFLOAT", 4, Write | DenyOom | Fast, 1, 1, 1, Hashes.HashIncrementCommands.HIncrByFloat, "hash"),
        new("HRANDFIELD", -2, ReadOnly, 1, 1, 1, Hashes.HashRandomScanCommands.HRandField, "hash"),
        new("HSCAN", -3, ReadOnly, 1, 1, 1, Hashes.HashRandomScanCommands.HScan, "hash"),

        // sets. SINTERCARD's keys follow numkeys (Redis: movablekeys, first key 0); it is read-only, so WATCH needs no keys.
        new("SADD", -3, Write | DenyOom | Fast, 1, 1, 1, Sets.SetCommands.SAdd, "set"),
        new("SREM", -3, Write | Fast, 1, 1, 1, Sets.SetCommands.SRem, "set"),
        new("SMEMBERS", 2, ReadOnly, 1, 1, 1, Sets.SetCommands.SMembers, "set"),
        new("SISMEMBER", 3, ReadOnly | Fast, 1, 1, 1, Sets.SetCommands.SIsMember, "set"),
        new("SMISMEMBER", -3, ReadOnly | Fast, 1, 1, 1, Sets.SetCommands.SMIsMember, "set"),
        new("SCARD", 2, ReadOnly | Fast, 1, 1, 1, Sets.SetCommands.SCard, "set"),
        new("SMOVE", 4, Write | Fast, 1, 2, 1, Sets.SetCommands.SMove, "set"),
        new("SPOP", -2, Write | Fast, 1, 1, 1, Sets.SetRandomScanCommands.SPop, "set"),
        new("SRANDMEMBER", -2, ReadOnly, 1, 1, 1, Sets.SetRandomScanCommands.SRandMember, "set"),
        new("SSCAN", -3, ReadOnly, 1, 1, 1, Sets.SetRandomScanCommands.SScan, "set"),
        new("SINTER", -2, ReadOnly, 1, -1, 1, Sets.SetAlgebraCommands.SInter, "set"),
        new("SUNION", -2, ReadOnly, 1, -1, 1, Sets.SetAlgebraCommands.SUnion, "set"),
        new("SDIFF", -2, ReadOnly, 1, -1, 1, Sets.SetAlgebraCommands.SDiff, "set"),
        new("SINTERSTORE", -3, Write | DenyOom, 1, -1, 1, Sets.SetAlgebraCommands.SInterStore, "set"),
        new("SUNIONSTORE", -3, Write | DenyOom, 1, -1, 1, Sets.SetAlgebraCommands.SUnionStore, "set"),
        new("SDIFFSTORE", -3, Write | DenyOom, 1, -1, 1, Sets.SetAlgebraCommands.SDiffStore, "set"),
        new("SINTERCARD", -3, ReadOnly, 0, 0, 0, Sets.SetAlgebraCommands.SInterCard, "set"),

        // sorted sets. ZMPOP/BZMPOP/ZUNION/ZINTER/ZDIFF/ZINTERCARD take their keys after numkeys (Redis: movablekeys with
        // key specs, first key 0); ZMPOP/BZMPOP tell WATCH about the key they pop themselves. The *STORE forms list only
        // the destination (1,1,1), as Redis's COMMAND INFO does. ZRANK/ZREVRANK accept Redis 7.2's WITHSCORE (arity -3).
        new("ZADD", -4, Write | DenyOom | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZAdd, "sorted-set"),
        new("ZINCRBY", 4, Write | DenyOom | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZIncrBy, "sorted-set"),
        new("ZREM", -3, Write | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZRem, "sorted-set"),
        new("ZSCORE", 3, ReadOnly | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZScore, "sorted-set"),
        new("ZMSCORE", -3, ReadOnly | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZMScore, "sorted-set"),
        new("ZCARD", 2, ReadOnly | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZCard, "sorted-set"),
        new("ZCOUNT", 4, ReadOnly | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZCount, "sorted-set"),
        new("ZLEXCOUNT", 4, ReadOnly | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZLexCount, "sorted-set"),
        new("ZRANK", -3, ReadOnly | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZRank, "sorted-set"),
        new("ZREVRANK", -3, ReadOnly | Fast, 1, 1, 1, SortedSets.SortedSetCommands.ZRevRank, "sorted-set"),
        new("ZRANGE", -4, ReadOnly, 1, 1, 1, SortedSets.SortedSetRangeCommands.ZRange, "sorted-set"),
        new("ZRANGEBYSCORE", -4, ReadOnly, 1, 1, 1, SortedSets.SortedSetRangeCommands.ZRangeByScore, "sorted-set"),
        new("ZREVRANGEBYSCORE", -4, ReadOnly, 1, 1, 1, SortedSets.SortedSetRangeCommands.ZRevRangeByScore, "sorted-set"),
        new("ZRANGEBYLEX", -4, ReadOnly, 1, 1, 1, SortedSets.SortedSetRangeCommands.ZRangeByLex, "sorted-set"),
        new("ZREVRANGEBYLEX", -4, ReadOnly, 1, 1, 1, SortedSets.SortedSetRangeCommands.ZRevRangeByLex, "sorted-set"),
        new("ZREVRANGE", -4, ReadOnly, 1, 1, 1, SortedSets.SortedSetRangeCommands.ZRevRange, "sorted-set"),
        new("ZRANGESTORE", -5, Write | DenyOom, 1, 2, 1, SortedSets.SortedSetRangeCommands.ZRangeStore, "sorted-set"),
        new("ZREMRANGEBYSCORE", 4, Write, 1, 1, 1, SortedSets.SortedSetRangeCommands.ZRemRangeByScore, "sorted-set"),
        new("ZREMRANGEBYRANK", 4, Write, 1, 1, 1, SortedSets.SortedSetRangeCommands.ZRemRangeByRank, "sorted-set"),
        new("ZREMRANGEBYLEX", 4, Write, 1, 1, 1, SortedSets.SortedSetRangeCommands.ZRemRangeByLex, "sorted-set"),
        new("ZPOPMIN", -2, Write | Fast, 1, 1, 1, SortedSets.SortedSetPopCommands.ZPopMin, "sorted-set"),
        new("ZPOPMAX", -2, Write | Fast, 1, 1, 1, SortedSets.SortedSetPopCommands.ZPopMax, "sorted-set"),
        new("BZPOPMIN", -3, Write | NoScript | CommandFlags.Blocking | Fast, 1, -2, 1, SortedSets.SortedSetPopCommands.BZPopMin, "sorted-set"),
        new("BZPOPMAX", -3, Write | NoScript | CommandFlags.Blocking | Fast, 1, -2, 1, SortedSets.SortedSetPopCommands.BZPopMax, "sorted-set"),
        new("ZMPOP", -4, Write | MovableKeys, 0, 0, 0, SortedSets.SortedSetPopCommands.ZMPop, "sorted-set"),
        new("BZMPOP", -5, Write | CommandFlags.Blocking | MovableKeys, 0, 0, 0, SortedSets.SortedSetPopCommands.BZMPop, "sorted-set"),
        new("ZRANDMEMBER", -2, ReadOnly, 1, 1, 1, SortedSets.SortedSetRandomScanCommands.ZRandMember, "sorted-set"),
        new("ZSCAN", -3, ReadOnly, 1, 1, 1, SortedSets.SortedSetRandomScanCommands.ZScan, "sorted-set"),
        new("ZUNIONSTORE", -4, Write | DenyOom | MovableKeys, 1, 1, 1, SortedSets.SortedSetAlgebraCommands.ZUnionStore, "sorted-set"),
        new("ZINTERSTORE", -4, Write | DenyOom | MovableKeys, 1, 1, 1, SortedSets.SortedSetAlgebraCommands.ZInterStore, "sorted-set"),
        new("ZDIFFSTORE", -4, Write | DenyOom | MovableKeys, 1, 1, 1, SortedSets.SortedSetAlgebraCommands.ZDiffStore, "sorted-set"),
        new("ZUNION", -3, ReadOnly | MovableKeys, 0, 0, 0, SortedSets.SortedSetAlgebraCommands.ZUnion, "sorted-set"),
        new("ZINTER", -3, ReadOnly | MovableKeys, 0, 0, 0, SortedSets.SortedSetAlgebraCommands.ZInter, "sorted-set"),
        new("ZDIFF", -3, ReadOnly | MovableKeys, 0, 0, 0, SortedSets.SortedSetAlgebraCommands.ZDiff, "sorted-set"),
        new("ZINTERCARD", -3, ReadOnly | MovableKeys, 0, 0, 0, SortedSets.SortedSetAlgebraCommands.ZInterCard, "sorted-set"),

        // geo (sorted sets of geohash scores). GEORADIUS/GEORADIUSBYMEMBER list the source as Redis's COMMAND INFO does;
        // their STORE key is a movable key (Cluster/CommandKeys.cs). The search commands tell WATCH themselves.
        new("GEOADD", -5, Write | DenyOom, 1, 1, 1, Geo.GeoCommands.GeoAdd, "geo"),
        new("GEODIST", -4, ReadOnly, 1, 1, 1, Geo.GeoCommands.GeoDist, "geo"),
        new("GEOHASH", -2, ReadOnly, 1, 1, 1, Geo.GeoCommands.GeoHashes, "geo"),
        new("GEOPOS", -2, ReadOnly, 1, 1, 1, Geo.GeoCommands.GeoPos, "geo"),
        new("GEORADIUS", -6, Write | DenyOom | MovableKeys, 1, 1, 1, Geo.GeoSearchCommands.GeoRadius, "geo"),
        new("GEORADIUSBYMEMBER", -5, Write | DenyOom | MovableKeys, 1, 1, 1, Geo.GeoSearchCommands.GeoRadiusByMember, "geo"),
        new("GEORADIUS_RO", -6, ReadOnly, 1, 1, 1, Geo.GeoSearchCommands.GeoRadiusRo, "geo"),
        new("GEORADIUSBYMEMBER_RO", -5, ReadOnly, 1, 1, 1, Geo.GeoSearchCommands.GeoRadiusByMemberRo, "geo"),
        new("GEOSEARCH", -7, ReadOnly, 1, 1, 1, Geo.GeoSearchCommands.GeoSearch, "geo"),
        new("GEOSEARCHSTORE", -8, Write | DenyOom, 1, 2, 1, Geo.GeoSearchCommands.GeoSearchStore, "geo"),
        // SORT's STORE key is a movable key (Cluster/CommandKeys.cs); SORT tells WATCH about it itself.
        new("SORT", -2, Write | DenyOom | MovableKeys, 1, 1, 1, Sort.SortCommands.Sort, "generic"),
        new("SORT_RO", -2, ReadOnly, 1, 1, 1, Sort.SortCommands.SortRo, "generic"),

        // streams (docs/streams.md). XREAD/XREADGROUP find their keys after STREAMS (first key 0, movablekeys, as in Redis).
        new("XADD", -5, Write | DenyOom | Fast, 1, 1, 1, Streams.StreamWriteCommands.XAdd, "stream"),
        new("XTRIM", -4, Write, 1, 1, 1, Streams.StreamWriteCommands.XTrim, "stream"),
        new("XDEL", -3, Write | Fast, 1, 1, 1, Streams.StreamWriteCommands.XDel, "stream"),
        new("XLEN", 2, ReadOnly | Fast, 1, 1, 1, Streams.StreamWriteCommands.XLen, "stream"),
        new("XSETID", -3, Write | DenyOom | Fast, 1, 1, 1, Streams.StreamWriteCommands.XSetId, "stream"),
        new("XRANGE", -4, ReadOnly, 1, 1, 1, Streams.StreamReadCommands.XRange, "stream"),
        new("XREVRANGE", -4, ReadOnly, 1, 1, 1, Streams.StreamReadCommands.XRevRange, "stream"),
        new("XREAD", -4, ReadOnly | CommandFlags.Blocking | MovableKeys, 0, 0, 0, Streams.StreamReadCommands.XRead, "stream"),
        new("XREADGROUP", -7, Write | CommandFlags.Blocking | MovableKeys, 0, 0, 0, Streams.StreamReadCommands.XReadGroup, "stream"),
        new("XACK", -4, Write | Fast, 1, 1, 1, Streams.StreamAckCommands.XAck, "stream"),
        new("XPENDING", -3, ReadOnly, 1, 1, 1, Streams.StreamAckCommands.XPending, "stream"),
        new("XCLAIM", -6, Write | Fast, 1, 1, 1, Streams.StreamAckCommands.XClaim, "stream"),
        new("XAUTOCLAIM", -6, Write | Fast, 1, 1, 1, Streams.StreamAckCommands.XAutoClaim, "stream"),
        new("XGROUP", -2, Container, 0, 0, 0, null, "stream", Subcommands:
        [
            Sub("xgroup", "CREATE", -5, Write | DenyOom, Streams.StreamGroupCommands.Create, 2, 2, 1),
            Sub("xgroup", "SETID", -5, Write, Streams.StreamGroupCommands.SetId, 2, 2, 1),
            Sub("xgroup", "DESTROY", 4, Write, Streams.StreamGroupCommands.Destroy, 2, 2, 1),
            Sub("xgroup", "CREATECONSUMER", 5, Write | DenyOom, Streams.StreamGroupCommands.CreateConsumer, 2, 2, 1),
            Sub("xgroup", "DELCONSUMER", 5, Write, Streams.StreamGroupCommands.DelConsumer, 2, 2, 1),
            Sub("xgroup", "HELP", 2, Loading | Stale, Streams.StreamGroupCommands.Help),
        ]),
        new("XINFO", -2, Container, 0, 0, 0, null, "stream", Subcommands:
        [
            Sub("xinfo", "STREAM", -3, ReadOnly, Streams.StreamInfoCommands.Stream, 2, 2, 1),
            Sub("xinfo", "GROUPS", 3, ReadOnly, Streams.StreamInfoCommands.Groups, 2, 2, 1),
            Sub("xinfo", "CONSUMERS", 4, ReadOnly, Streams.StreamInfoCommands.Consumers, 2, 2, 1),
            Sub("xinfo", "HELP", 2, Loading | Stale, Streams.StreamInfoCommands.Help),
        ]),

        // rate limiting (docs/rate-limiting.md). RL.MULTI's keys are not at fixed positions: first key 0 and movablekeys, like EVAL;
        // its handler notifies WATCH itself.
        new("CL.THROTTLE", -5, Write | DenyOom | Fast, 1, 1, 1, RateLimit.RateLimitCommands.Throttle, "ratelimit"),
        new("RL.GCRA", -5, Write | DenyOom | Fast, 1, 1, 1, RateLimit.RateLimitCommands.Gcra, "ratelimit"),
        new("RL.TOKENBUCKET", -4, Write | DenyOom | Fast, 1, 1, 1, RateLimit.RateLimitCommands.TokenBucket, "ratelimit"),
        new("RL.SLIDINGLOG", -4, Write | DenyOom | Fast, 1, 1, 1, RateLimit.RateLimitCommands.SlidingLog, "ratelimit"),
        new("RL.SLIDINGWINDOW", -4, Write | DenyOom | Fast, 1, 1, 1, RateLimit.RateLimitCommands.SlidingWindow, "ratelimit"),
        new("RL.CONCURRENCY.ACQUIRE", 4, Write | DenyOom | Fast, 1, 1, 1, RateLimit.ConcurrencyLimitCommands.Acquire, "ratelimit"),
        new("RL.CONCURRENCY.RELEASE", 3, Write | Fast, 1, 1, 1, RateLimit.ConcurrencyLimitCommands.Release, "ratelimit"),
        new("RL.CONCURRENCY.RENEW", 4, Write | Fast, 1, 1, 1, RateLimit.ConcurrencyLimitCommands.Renew, "ratelimit"),
        new("RL.MULTI", -6, Write | DenyOom | Fast | MovableKeys, 0, 0, 0, RateLimit.MultiLimitCommands.Multi, "ratelimit"),

        // server (Commands/Server): administration, introspection, and the cluster/persistence commands a
        // standalone in-memory server refuses
        new("DBSIZE", 1, ReadOnly | Fast, 0, 0, 0, Server.ServerCommands.DbSize, "server"),
        new("FLUSHDB", -1, Write, 0, 0, 0, Server.ServerCommands.FlushDb, "server"),
        new("FLUSHALL", -1, Write, 0, 0, 0, Server.ServerCommands.FlushAll, "server"),
        new("SWAPDB", 3, Write | Fast, 0, 0, 0, Server.ServerCommands.SwapDb, "server"),
        new("TIME", 1, Loading | Stale | Fast, 0, 0, 0, Server.ServerCommands.Time, "server"),
        new("INFO", -1, Loading | Stale, 0, 0, 0, Server.InfoCommand.Info, "server"),
        new("LOLWUT", -1, ReadOnly | Fast, 0, 0, 0, Server.LolwutCommand.Lolwut, "server"),
        new("LASTSAVE", 1, Loading | Stale | Fast, 0, 0, 0, Persistence.SaveCommands.LastSave, "server"),
        new("SAVE", 1, Admin | NoScript | NoAsyncLoading | NoMulti, 0, 0, 0, Persistence.SaveCommands.Save, "server"),
        new("BGSAVE", -1, Admin | NoScript | NoAsyncLoading, 0, 0, 0, Persistence.SaveCommands.BgSave, "server"),
        new("BGREWRITEAOF", 1, Admin | NoScript | NoAsyncLoading, 0, 0, 0, Server.ServerCommands.BgRewriteAof, "server"),
        new("ROLE", 1, NoScript | Loading | Stale | Fast, 0, 0, 0, Server.ServerCommands.Role, "server"),
        new("WAIT", 3, NoScript, 0, 0, 0, Server.ServerCommands.Wait, "connection"),
        new("REPLCONF", -1, Admin | NoScript | Loading | Stale | AllowBusy, 0, 0, 0, Server.ReplicationCommands.ReplConf, "server"),
        new("PSYNC", -3, Admin | NoScript | NoAsyncLoading | NoMulti, 0, 0, 0, Server.ReplicationCommands.Psync, "server"),
        new("FAILOVER", -1, Admin | NoScript | Stale, 0, 0, 0, Server.ReplicationCommands.Failover, "server"),
        new("SYNC", 1, Admin | NoScript | NoAsyncLoading | NoMulti, 0, 0, 0, Server.ReplicationCommands.Sync, "server"),
        new("REPLICAOF", 3, Admin | NoScript | Stale | NoAsyncLoading, 0, 0, 0, Server.ReplicationCommands.ReplicaOf, "server"),
        new("SLAVEOF", 3, Admin | NoScript | Stale | NoAsyncLoading, 0, 0, 0, Server.ReplicationCommands.ReplicaOf, "server"),
        new("SHUTDOWN", -1, Admin | NoScript | Loading | Stale | NoMulti | AllowBusy | NoReply, 0, 0, 0, Server.ServerCommands.Shutdown, "server"),
        new("DEBUG", -2, Admin | NoScript | Loading | Stale, 0, 0, 0, Server.DebugCommands.Debug, "server"),
        new("COMMAND", -1, Loading | Stale, 0, 0, 0, Server.CommandCommands.All, "server", Subcommands:
        [
            Sub("command", "COUNT", 2, Loading | Stale, Server.CommandCommands.Count),
            Sub("command", "DOCS", -2, Loading | Stale, Server.CommandCommands.Docs),
            Sub("command", "GETKEYS", -4, Loading | Stale, Server.CommandCommands.GetKeys),
            Sub("command", "GETKEYSANDFLAGS", -4, Loading | Stale, Server.CommandCommands.GetKeysAndFlags),
            Sub("command", "HELP", 2, Loading | Stale, Server.CommandCommands.Help),
            Sub("command", "INFO", -2, Loading | Stale, Server.CommandCommands.Info),
            Sub("command", "LIST", -2, Loading | Stale, Server.CommandCommands.List),
        ]),
        new("CONFIG", -2, Container, 0, 0, 0, null, "server", Subcommands:
        [
            Sub("config", "GET", -3, Admin | NoScript | Loading | Stale, Server.ConfigCommands.Get),
            Sub("config", "SET", -4, Admin | NoScript | Loading | Stale, Server.ConfigCommands.Set),
            Sub("config", "RESETSTAT", 2, Admin | NoScript | Loading | Stale, Server.ConfigCommands.ResetStat),
            Sub("config", "REWRITE", 2, Admin | NoScript | Loading | Stale, Server.ConfigCommands.Rewrite),
            Sub("config", "HELP", 2, Loading | Stale, Server.ConfigCommands.Help),
        ]),
        new("MEMORY", -2, Container, 0, 0, 0, null, "server", Subcommands:
        [
            Sub("memory", "DOCTOR", 2, None, Server.MemoryCommands.Doctor),
            Sub("memory", "HELP", 2, Loading | Stale, Server.MemoryCommands.Help),
            Sub("memory", "MALLOC-STATS", 2, None, Server.MemoryCommands.MallocStats),
            Sub("memory", "PURGE", 2, None, Server.MemoryCommands.Purge),
            Sub("memory", "STATS", 2, None, Server.MemoryCommands.Stats),
            Sub("memory", "USAGE", -3, ReadOnly, Server.MemoryCommands.Usage, 2, 2, 1),
        ]),
        new("SLOWLOG", -2, Container, 0, 0, 0, null, "server", Subcommands:
        [
            Sub("slowlog", "GET", -2, Admin | Loading | Stale, Server.SlowlogCommands.Get),
            Sub("slowlog", "LEN", 2, Admin | Loading | Stale, Server.SlowlogCommands.Len),
            Sub("slowlog", "RESET", 2, Admin | Loading | Stale, Server.SlowlogCommands.Reset),
            Sub("slowlog", "HELP", 2, Loading | Stale, Server.SlowlogCommands.Help),
        ]),
        new("MONITOR", 1, Admin | NoScript | Loading | Stale, 0, 0, 0, Server.MonitorCommand.Monitor, "server"),
        new("LATENCY", -2, Container, 0, 0, 0, null, "server", Subcommands:
        [
            Sub("latency", "DOCTOR", 2, Admin | NoScript | Loading | Stale, Server.LatencyCommands.Doctor),
            Sub("latency", "GRAPH", 3, Admin | NoScript | Loading | Stale, Server.LatencyCommands.Graph),
            Sub("latency", "HISTORY", 3, Admin | NoScript | Loading | Stale, Server.LatencyCommands.History),
            Sub("latency", "LATEST", 2, Admin | NoScript | Loading | Stale, Server.LatencyCommands.Latest),
            Sub("latency", "RESET", -2, Admin | NoScript | Loading | Stale, Server.LatencyCommands.Reset),
            Sub("latency", "HISTOGRAM", -2, Admin | NoScript | Loading | Stale, Server.LatencyCommands.Histogram),
            Sub("latency", "HELP", 2, Loading | Stale, Server.LatencyCommands.Help),
        ]),
        // scripting (docs/scripting.md): keys are numkeys-prefixed, so first key 0 and movablekeys, as in Redis's table.
        new("EVAL", -3, NoScript | SkipMonitor | MayReplicate | NoMandatoryKeys | Stale | MovableKeys, 0, 0, 0, Scripting.ScriptingCommands.Eval, "scripting"),
        new("EVALSHA", -3, NoScript | SkipMonitor | MayReplicate | NoMandatoryKeys | Stale | MovableKeys, 0, 0, 0, Scripting.ScriptingCommands.EvalSha, "scripting"),
        new("EVAL_RO", -3, NoScript | SkipMonitor | NoMandatoryKeys | Stale | ReadOnly | MovableKeys, 0, 0, 0, Scripting.ScriptingCommands.EvalRo, "scripting"),
        new("EVALSHA_RO", -3, NoScript | SkipMonitor | NoMandatoryKeys | Stale | ReadOnly | MovableKeys, 0, 0, 0, Scripting.ScriptingCommands.EvalShaRo, "scripting"),
        new("FCALL", -3, NoScript | SkipMonitor | MayReplicate | NoMandatoryKeys | Stale | MovableKeys, 0, 0, 0, Scripting.FunctionCommands.FCall, "scripting"),
        new("FCALL_RO", -3, NoScript | SkipMonitor | NoMandatoryKeys | Stale | ReadOnly | MovableKeys, 0, 0, 0, Scripting.FunctionCommands.FCallRo, "scripting"),
        new("FUNCTION", -2, Container, 0, 0, 0, null, "scripting", Subcommands:
        [
            Sub("function", "DELETE", 3, Write | NoScript, Scripting.FunctionCommands.Delete),
            Sub("function", "DUMP", 2, NoScript, Scripting.FunctionCommands.Dump),
            Sub("function", "FLUSH", -2, Write | NoScript, Scripting.FunctionCommands.Flush),
            Sub("function", "HELP", 2, Loading | Stale, Scripting.FunctionCommands.Help),
            Sub("function", "KILL", 2, NoScript | AllowBusy, Scripting.FunctionCommands.Kill),
            Sub("function", "LIST", -2, NoScript, Scripting.FunctionCommands.List),
            Sub("function", "LOAD", -3, Write | DenyOom | NoScript, Scripting.FunctionCommands.Load),
            Sub("function", "RESTORE", -3, Write | DenyOom | NoScript, Scripting.FunctionCommands.Restore),
            Sub("function", "STATS", 2, NoScript | AllowBusy, Scripting.FunctionCommands.Stats),
        ]),
        new("SCRIPT", -2, Container, 0, 0, 0, null, "scripting", Subcommands:
        [
            Sub("script", "DEBUG", 3, NoScript, Scripting.ScriptCommands.Debug),
            Sub("script", "EXISTS", -3, NoScript, Scripting.ScriptCommands.Exists),
            Sub("script", "FLUSH", -2, NoScript, Scripting.ScriptCommands.Flush),
            Sub("script", "HELP", 2, Loading | Stale, Scripting.ScriptCommands.Help),
            Sub("script", "KILL", 2, NoScript | AllowBusy, Scripting.ScriptCommands.Kill),
            Sub("script", "LOAD", 3, NoScript | Stale, Scripting.ScriptCommands.Load),
        ]),
        new("READONLY", 1, Loading | Stale | Fast, 0, 0, 0, Cluster.ClusterModeCommands.ReadOnly, "cluster"),
        new("READWRITE", 1, Loading | Stale | Fast, 0, 0, 0, Cluster.ClusterModeCommands.ReadWrite, "cluster"),
        new("ASKING", 1, Fast, 0, 0, 0, Cluster.ClusterModeCommands.Asking, "cluster"),
        new("CLUSTER", -2, Container, 0, 0, 0, null, "cluster", Subcommands:
        [
            Sub("cluster", "ADDSLOTS", -3, Admin | Stale | NoAsyncLoading, Cluster.ClusterModeCommands.AddSlots),
            Sub("cluster", "ADDSLOTSRANGE", -4, Admin | Stale | NoAsyncLoading, Cluster.ClusterModeCommands.AddSlotsRange),
            Sub("cluster", "BUMPEPOCH", 2, Admin | Stale | NoAsyncLoading, Cluster.ClusterReplicaCommands.BumpEpoch),
            Sub("cluster", "COUNT-FAILURE-REPORTS", 3, Admin | Stale, Cluster.ClusterReplicaCommands.CountFailureReports),
            Sub("cluster", "COUNTKEYSINSLOT", 3, Stale, Cluster.ClusterModeCommands.CountKeysInSlot),
            Sub("cluster", "DELSLOTS", -3, Admin | Stale | NoAsyncLoading, Cluster.ClusterModeCommands.DelSlots),
            Sub("cluster", "DELSLOTSRANGE", -4, Admin | Stale | NoAsyncLoading, Cluster.ClusterModeCommands.DelSlotsRange),
            Sub("cluster", "FAILOVER", -2, Admin | Stale | NoAsyncLoading, Cluster.ClusterReplicaCommands.Failover),
            Sub("cluster", "FLUSHSLOTS", 2, Admin | Stale | NoAsyncLoading, Cluster.ClusterSlotMigrationCommands.FlushSlots),
            Sub("cluster", "FORGET", 3, Admin | Stale | NoAsyncLoading, Cluster.ClusterSlotMigrationCommands.Forget),
            Sub("cluster", "GETKEYSINSLOT", 4, Stale, Cluster.ClusterModeCommands.GetKeysInSlot),
            Sub("cluster", "HELP", 2, Loading | Stale, Server.ClusterCommands.Help),
            Sub("cluster", "INFO", 2, Stale, Cluster.ClusterModeCommands.Info),
            Sub("cluster", "KEYSLOT", 3, Stale, Cluster.ClusterModeCommands.KeySlotOf),
            Sub("cluster", "LINKS", 2, Stale, Cluster.ClusterBusCommands.Links),
            Sub("cluster", "MEET", -4, Admin | Stale | NoAsyncLoading, Cluster.ClusterModeCommands.Meet),
            Sub("cluster", "MYID", 2, Stale, Cluster.ClusterModeCommands.MyId),
            Sub("cluster", "NODES", 2, Stale, Cluster.ClusterModeCommands.Nodes),
            Sub("cluster", "REPLICAS", 3, Admin | Stale, Cluster.ClusterReplicaCommands.Replicas),
            Sub("cluster", "REPLICATE", 3, Admin | Stale | NoAsyncLoading, Cluster.ClusterModeCommands.Replicate),
            Sub("cluster", "RESET", -2, Admin | NoScript | Stale, Cluster.ClusterSlotMigrationCommands.Reset),
            Sub("cluster", "SAVECONFIG", 2, Admin | Stale | NoAsyncLoading, Cluster.ClusterModeCommands.SaveConfig),
            Sub("cluster", "SET-CONFIG-EPOCH", 3, Admin | Stale | NoAsyncLoading, Cluster.ClusterModeCommands.SetConfigEpoch),
            Sub("cluster", "SETSLOT", -4, Admin | Stale | NoAsyncLoading, Cluster.ClusterSlotMigrationCommands.SetSlot),
            Sub("cluster", "SHARDS", 2, Stale, Cluster.ClusterModeCommands.Shards),
            Sub("cluster", "SLAVES", 3, Admin | Stale, Cluster.ClusterReplicaCommands.Replicas),
            Sub("cluster", "SLOTS", 2, Stale, Cluster.ClusterModeCommands.Slots),
        ]),
    ]);

    public CommandTable(CommandDef[] commands)
    {
        Commands = commands;
        Lookup = new CommandLookup(commands);
        var all = new List<CommandDef>();
        foreach (var def in commands)
        {
            all.Add(def);
            if (def.Subcommands is not null) all.AddRange(def.Subcommands);
        }
        for (int i = 0; i < all.Count; i++) all[i].Id = i;
        AllIncludingSubcommands = all;
    }

    /// <summary>Top-level commands in table order (COMMAND, COMMAND COUNT).</summary>
    public IReadOnlyList<CommandDef> Commands { get; }

    public IReadOnlyList<CommandDef> AllIncludingSubcommands { get; }

    public CommandLookup Lookup { get; }

    /// <summary>The command (or subcommand) a parsed call names, or null when there is none.</summary>
    public CommandDef? Find(CommandArgs args)
    {
        var def = Lookup.Find(args[0]);
        if (def?.SubcommandLookup is not null && args.Count >= 2) def = def.SubcommandLookup.Find(args[1]);
        return def;
    }

    /// <summary>A subcommand row: Redis names it "parent|sub" in errors and COMMAND replies.</summary>
    private static CommandDef Sub(string parent, string name, int arity, CommandFlags flags, CommandHandler handler,
        int firstKey = 0, int lastKey = 0, int step = 0) =>
        new(name, arity, flags, firstKey, lastKey, step, handler, parent) { FullName = $"{parent}|{name.ToLowerInvariant()}" };
}
