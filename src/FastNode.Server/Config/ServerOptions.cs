namespace FastNode.Server.Config;

/// <summary>
/// Settings the server itself acts on, under their Redis names (see <see cref="ConfigRegistry"/> for the mapping).
/// Mutable at run time through CONFIG SET; readers tolerate a value changing between two commands.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>The config file the server started from (absolute), "" when none: CONFIG REWRITE writes it back.</summary>
    public string ConfigFile { get; set; } = "";

    /// <summary>port: TCP port to listen on (0 picks a free one; tests use that).</summary>
    public int Port { get; set; } = 6379;
    /// <summary>bind: space-separated addresses to listen on.</summary>
    public string Bind { get; set; } = "127.0.0.1";
    /// <summary>requirepass: password for the default user; empty means no AUTH needed.</summary>
    public string RequirePass { get; set; } = "";
    /// <summary>maxclients: connections beyond this get "-ERR max number of clients reached".</summary>
    public int MaxClients { get; set; } = 10000;
    /// <summary>timeout: close clients idle this many seconds (0 = never).</summary>
    public int Timeout { get; set; }
    /// <summary>databases: number of SELECT-able databases.</summary>
    public int Databases { get; set; } = 16;
    /// <summary>proto-max-bulk-len: longest argument in bytes.</summary>
    public long ProtoMaxBulkLen { get; set; } = 512L * 1024 * 1024;
    /// <summary>hll-sparse-max-bytes: largest sparse HyperLogLog (header included) before it turns dense.</summary>
    public long HllSparseMaxBytes { get; set; } = 3000;
    /// <summary>client-query-buffer-limit: most bytes of an incomplete request held for one client.</summary>
    public long ClientQueryBufferLimit { get; set; } = 1024L * 1024 * 1024;
    /// <summary>busy-reply-threshold (lua-time-limit): ms a script runs before other clients get -BUSY (0 = at once).</summary>
    public int BusyReplyThresholdMs { get; set; } = 5000;
    /// <summary>maxmemory, maxmemory-policy and the eviction settings (Memory/MemoryOptions.cs).</summary>
    public Memory.MemoryOptions Memory { get; } = new();
    /// <summary>lock-replication and lock-replication-timeout (docs/locks.md "Replication and fencing").</summary>
    public Commands.Locks.Replication.LockReplicationOptions LockReplication { get; } = new();

    /// <summary>The slow log, latency and metrics endpoint settings (Monitoring/MonitoringOptions.cs).</summary>
    public Monitoring.MonitoringOptions Monitoring { get; } = new();
    public Acl.AclOptions Acl { get; } = new();
    /// <summary>The tls-* settings (Network/Tls/TlsOptions.cs, docs/tls.md).</summary>
    public Network.Tls.TlsOptions Tls { get; } = new();
    /// <summary>notify-keyspace-events, parsed: the event classes published (none unless K or E is set).</summary>
    public PubSub.KeyspaceEventClass KeyspaceEvents { get; set; }
    /// <summary>tracking-table-max-keys: most keys CLIENT TRACKING remembers (0 = no limit); past it keys are invalidated.</summary>
    public long TrackingTableMaxKeys { get; set; } = 1_000_000;
    /// <summary>hz: active expiry cycles per second.</summary>
    public int Hz { get; set; } = 10;
    /// <summary>shards: lock stripes per database (0 = derive from the core count).</summary>
    public int Shards { get; set; }
    /// <summary>
    /// io-threads: event loop threads (epoll loops, or .NET socket engine threads), each running read -> execute ->
    /// reply for its connections. Default: half the cores, at least 1. On 2 cores one thread (Redis's model) measured
    /// better everywhere except deep pipelines, which the pipeline helper covers: a second loop competes with the
    /// client and the kernel for the cores, which tripled p99 at -P 16 (perf/README.md).
    /// </summary>
    public int IoThreads { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);
    /// <summary>
    /// io-engine: "epoll" (Network/Epoll: event loops of our own, io-threads of them; Linux x86-64 only, elsewhere it
    /// falls back) or "sockets" (.NET Sockets with inline completions). epoll measured 8-10 % less CPU per request
    /// at P1 and -P 16 (no zero-byte readiness receive, no socket-operation machinery).
    /// </summary>
    public string IoEngine { get; set; } = "epoll";

    /// <summary>Whether clients are served by the epoll loops (io-engine epoll on a platform that has them).</summary>
    public bool UsesEpoll => IoEngine == "epoll" && Network.Epoll.EpollNative.IsSupported;
    /// <summary>
    /// pipeline-helper: lets a second thread execute deep pipelined batches while the event loop goes on with the
    /// other connections (Network/BatchHelper.cs). SET / GET -P 64 +30 % / +22 % with one event loop on 2 cores,
    /// shallower batches unchanged. Off by default on one core, where it would only add thread hops.
    /// </summary>
    public bool PipelineHelper { get; set; } = Environment.ProcessorCount >= 2;
    /// <summary>
    /// busy-poll-us: the longest an idle epoll loop keeps polling before it sleeps (0 = sleep at once). Buys P1
    /// throughput (the client no longer pays to wake the loop); the window adapts to the traffic (Epoll/SpinWindow.cs)
    /// and loops never poll while they are as many as the cores. Process-wide, like the loops.
    /// </summary>
    public int BusyPollMicroseconds
    {
        get => Network.Epoll.EpollLoop.BusyPollMicroseconds;
        set => Network.Epoll.EpollLoop.BusyPollMicroseconds = value;
    }
    /// <summary>tcp-keepalive: seconds between TCP keepalive probes (0 = off).</summary>
    public int TcpKeepAlive { get; set; } = 300;
    /// <summary>tcp-backlog: listen queue length.</summary>
    public int TcpBacklog { get; set; } = 511;
    /// <summary>appendonly: keep an append-only file of every write (Persistence/Aof) and load it at start-up.</summary>
    public bool AppendOnly { get; set; }
    /// <summary>appendfsync: always (acknowledge after fsync, group commit), everysec or no.</summary>
    public string AppendFsync { get; set; } = "everysec";
    /// <summary>appenddirname: the AOF's folder inside dir (start-up only, as in Redis).</summary>
    public string AppendDirName { get; set; } = "appendonlydir";
    /// <summary>appendfilename: the prefix of the AOF's file names (start-up only, as in Redis).</summary>
    public string AppendFileName { get; set; } = "appendonly.aof";
    /// <summary>auto-aof-rewrite-percentage: rewrite once the AOF grew this much over its size after the last rewrite (0 = never).</summary>
    public int AutoAofRewritePercentage { get; set; } = 100;
    /// <summary>auto-aof-rewrite-min-size: no automatic rewrite below this many bytes.</summary>
    public long AutoAofRewriteMinSize { get; set; } = 64L * 1024 * 1024;
    /// <summary>aof-use-rdb-preamble: base files are RDB (yes) or RESP commands (no).</summary>
    public bool AofUseRdbPreamble { get; set; } = true;
    /// <summary>aof-load-truncated: a command cut off at the end of the AOF is dropped and loading goes on.</summary>
    public bool AofLoadTruncated { get; set; } = true;
    /// <summary>replicaof: "host port" of the primary to follow from start-up (empty = a primary).</summary>
    public string ReplicaOf { get; set; } = "";
    /// <summary>masterauth: the password this replica sends to its primary (AUTH).</summary>
    public string MasterAuth { get; set; } = "";
    /// <summary>masteruser: the user for that AUTH (empty = the default user).</summary>
    public string MasterUser { get; set; } = "";
    /// <summary>replica-read-only: clients of a replica cannot write (its primary's stream can).</summary>
    public bool ReplicaReadOnly { get; set; } = true;
    /// <summary>replica-announce-ip: the address a replica reports to its primary (REPLCONF ip-address).</summary>
    public string ReplicaAnnounceIp { get; set; } = "";
    /// <summary>replica-announce-port: the port a replica reports (0 = the one it listens on).</summary>
    public int ReplicaAnnouncePort { get; set; }
    /// <summary>repl-backlog-size: bytes of recent stream kept for partial resynchronization.</summary>
    public long ReplBacklogSize { get; set; } = 1024 * 1024;
    /// <summary>repl-ping-replica-period: seconds between the PINGs a primary puts in the stream.</summary>
    public int ReplPingReplicaPeriod { get; set; } = 10;
    /// <summary>repl-timeout: seconds of silence after which a link (either side) is considered dead.</summary>
    public int ReplTimeout { get; set; } = 60;
    /// <summary>min-replicas-to-write: writes are refused with fewer good replicas than this (0 = off).</summary>
    public int MinReplicasToWrite { get; set; }
    /// <summary>min-replicas-max-lag: a good replica acknowledged within this many seconds.</summary>
    public int MinReplicasMaxLag { get; set; } = 10;

    /// <summary>
    /// client-output-buffer-limit: per client class (normal, replica, pubsub) the output buffer at which a client is
    /// closed (hard), or closed once over the soft limit for longer than its seconds. Defaults are Redis's.
    /// </summary>
    public OutputBufferLimits OutputBufferLimits { get; } = new();

    /// <summary>loglevel: debug, verbose, notice or warning.</summary>
    public string LogLevel { get; set; } = "notice";

    /// <summary>dir: where RDB files go, as an absolute path (FastNode does not chdir: tests run several servers in one process).</summary>
    public string Dir { get; set; } = Environment.CurrentDirectory;
    /// <summary>dbfilename: the RDB file's name inside <see cref="Dir"/>.</summary>
    public string DbFilename { get; set; } = "dump.rdb";
    /// <summary>rdbcompression: LZF-compress long strings in RDB files.</summary>
    public bool RdbCompression { get; set; } = true;
    /// <summary>rdbchecksum: write (and check) the CRC64 trailer of RDB files.</summary>
    public bool RdbChecksum { get; set; } = true;
    /// <summary>stop-writes-on-bgsave-error: refuse writes (MISCONF) while the last background save failed.</summary>
    public bool StopWritesOnBgsaveError { get; set; } = true;
    /// <summary>save: snapshot after this many seconds if at least this many changes (Redis 7.0's default rules).</summary>
    public Persistence.SaveRule[] SaveRules { get; set; } = Persistence.SaveRule.Defaults;
    /// <summary>shutdown-on-sigterm / shutdown-on-sigint: "default", or flags among save, nosave, now, force.</summary>
    public string ShutdownOnSigterm { get; set; } = "default";
    public string ShutdownOnSigint { get; set; } = "default";
    /// <summary>shutdown-timeout: seconds to wait for replicas before shutting down (accepted; no replicas yet).</summary>
    public int ShutdownTimeout { get; set; } = 10;

    /// <summary>cluster-enabled: run as a Redis Cluster node (start-up only): CLUSTER commands, slot checks, the bus.</summary>
    public bool ClusterEnabled { get; set; }
    /// <summary>cluster-config-file: nodes.conf inside <see cref="Dir"/>, rewritten atomically on every configuration change.</summary>
    public string ClusterConfigFile { get; set; } = "nodes.conf";
    /// <summary>cluster-node-timeout: milliseconds a node may be unreachable before it can be marked FAIL.</summary>
    public int ClusterNodeTimeout { get; set; } = 15000;
    /// <summary>cluster-port: the bus port (0 = port + 10000, as in Redis).</summary>
    public int ClusterPort { get; set; }
    /// <summary>cluster-announce-ip: the address other nodes and clients are told (empty = the first bind address).</summary>
    public string ClusterAnnounceIp { get; set; } = "";
    /// <summary>cluster-announce-port: the client port announced (0 = the one bound).</summary>
    public int ClusterAnnouncePort { get; set; }
    /// <summary>cluster-announce-bus-port: the bus port announced (0 = the one bound).</summary>
    public int ClusterAnnounceBusPort { get; set; }
    /// <summary>cluster-require-full-coverage: cluster_state is fail while any slot has no live owner.</summary>
    public bool ClusterRequireFullCoverage { get; set; } = true;
    /// <summary>cluster-allow-reads-when-down: with cluster_state fail, reads of served slots still run.</summary>
    public bool ClusterAllowReadsWhenDown { get; set; }
    /// <summary>cluster-auto-placement: slots follow rendezvous hashing over the healthy primaries, moved live (docs/cluster.md).</summary>
    public bool ClusterAutoPlacement { get; set; }
    /// <summary>cluster-allow-pubsubshard-when-down: with cluster_state fail, sharded pub/sub of served slots still runs.</summary>
    public bool ClusterAllowPubSubShardWhenDown { get; set; } = true;
    /// <summary>cluster-bus-secret (FastNode's own): a shared secret that authenticates every bus frame (empty = none).</summary>
    public string ClusterBusSecret { get; set; } = "";
    /// <summary>cluster-announce-hostname: a hostname other nodes and clients are told (start-up only in FastNode).</summary>
    public string ClusterAnnounceHostname { get; set; } = "";
    /// <summary>cluster-announce-tls-port: the TLS port other nodes and clients are told (0 = tls-port).</summary>
    public int ClusterAnnounceTlsPort { get; set; }
    /// <summary>cluster-preferred-endpoint-type: what MOVED and CLUSTER SLOTS/SHARDS name a node by: ip, hostname or unknown-endpoint.</summary>
    public string ClusterPreferredEndpointType { get; set; } = "ip";
    /// <summary>cluster-replica-validity-factor: a replica whose link has been down longer than node-timeout × this
    /// (plus repl-ping-replica-period) does not stand for election; 0 = always may.</summary>
    public int ClusterReplicaValidityFactor { get; set; } = 10;
    /// <summary>cluster-replica-no-failover: this replica never starts an automatic election (announced as nofailover).</summary>
    public bool ClusterReplicaNoFailover { get; set; }
    /// <summary>cluster-migration-barrier: a replica moves to an orphaned primary only if its own keeps more than this
    /// many working replicas.</summary>
    public int ClusterMigrationBarrier { get; set; } = 1;
    /// <summary>cluster-allow-replica-migration: replicas move to orphaned primaries, and a primary emptied by
    /// resharding follows the node that took its slots.</summary>
    public bool ClusterAllowReplicaMigration { get; set; } = true;

    /// <summary>The RDB file's full path.</summary>
    public string RdbPath => Path.Combine(Dir, DbFilename);

    /// <summary>Shards per database actually used: a power of two, 8 per core, at least 16.</summary>
    public int EffectiveShards()
    {
        int wanted = Shards > 0 ? Shards : Math.Max(16, Environment.ProcessorCount * 8);
        return (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)wanted);
    }
}
