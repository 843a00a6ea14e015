using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// The fields of each INFO section, named as in Redis 7.0. Fields about machinery FastNode does not have
/// (replication links, forks, AOF, defragmentation) report Redis's idle values; memory figures come from the .NET
/// runtime (managed heap for used_memory, working set for used_memory_rss).
/// </summary>
public static class InfoSections
{
    public static void Server(InfoWriter info, ServerState server, long nowMs)
    {
        long uptime = Math.Max(0, (nowMs - server.StartedAtMs) / 1000);
        info.Section("Server")
            .Line("redis_version", ServerInfo.RedisVersion)
            .Line("fastnode_version", ServerInfo.Version)
            .Line("redis_git_sha1", "00000000")
            .Line("redis_git_dirty", 0)
            .Line("redis_build_id", "0")
            .Line("redis_mode", server.Cluster is null ? "standalone" : "cluster")
            .Line("os", OperatingSystemName())
            .Line("arch_bits", IntPtr.Size * 8)
            .Line("multiplexing_api", OperatingSystem.IsLinux() ? "epoll" : OperatingSystem.IsWindows() ? "iocp" : "kqueue")
            .Line("runtime", RuntimeInformation.FrameworkDescription)
            .Line("process_id", Environment.ProcessId)
            .Line("process_supervised", "no")
            .Line("run_id", server.RunId)
            .Line("tcp_port", server.BoundPort)
            .Line("server_time_usec", nowMs * 1000)
            .Line("uptime_in_seconds", uptime)
            .Line("uptime_in_days", uptime / 86400)
            .Line("hz", server.Options.Hz)
            .Line("configured_hz", server.Options.Hz)
            .Line("lru_clock", (nowMs / 1000) & ((1 << 24) - 1))
            .Line("executable", Environment.ProcessPath ?? "")
            .Line("config_file", server.Options.ConfigFile)
            .Line("io_threads_active", 0);
    }

    /// <summary>Like Redis's uname-based "Linux 6.1.0 x86_64".</summary>
    private static string OperatingSystemName()
    {
        string arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            Architecture.X86 => "i686",
            var other => other.ToString().ToLowerInvariant(),
        };
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return $"Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()} {arch}";
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return $"{RuntimeInformation.OSDescription} {arch}";
    }

    public static void Clients(InfoWriter info, ServerState server)
    {
        int connected = 0, blocked = 0, withTimeout = 0;
        foreach (var client in server.Clients.All)
        {
            connected++;
            if (client.PendingBlock is { } block)
            {
                blocked++;
                if (block.DeadlineMs > 0) withTimeout++;
            }
        }
        info.Section("Clients")
            .Line("connected_clients", connected)
            .Line("cluster_connections", 0)
            .Line("maxclients", server.Options.MaxClients)
            .Line("client_recent_max_input_buffer", 0)
            .Line("client_recent_max_output_buffer", server.Clients.OutputPeaks.RecentMax())
            .Line("blocked_clients", blocked)
            .Line("tracking_clients", server.Tracking.ClientCount)
            .Line("clients_in_timeout_table", withTimeout);
    }

    public static void Memory(InfoWriter info, ServerState server)
    {
        var memory = server.Memory;
        long used = memory.ObservePeak();
        long peak = memory.Peak;
        long rss = Environment.WorkingSet;
        long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long maxMemory = server.Options.Memory.MaxMemory;
        long dataset = memory.DatasetBytesExact();
        long clients = memory.ClientBuffers;
        long heap = GC.GetTotalMemory(false);
        info.Section("Memory")
            .Line("used_memory", used)
            .Line("used_memory_human", Human(used))
            .Line("used_memory_rss", rss)
            .Line("used_memory_rss_human", Human(rss))
            .Line("used_memory_peak", peak)
            .Line("used_memory_peak_human", Human(peak))
            .Line("used_memory_peak_perc", Percent(used, peak))
            .Line("used_memory_overhead", memory.StartupBytes + clients)
            .Line("used_memory_startup", memory.StartupBytes)
            .Line("used_memory_dataset", dataset)
            .Line("used_memory_dataset_perc", Percent(dataset, Math.Max(1, used - memory.StartupBytes)))
            .Line("total_system_memory", total)
            .Line("total_system_memory_human", Human(total))
            .Line("maxmemory", maxMemory)
            .Line("maxmemory_human", Human(maxMemory))
            .Line("maxmemory_policy", FastNode.Server.Storage.EvictionPolicies.Name(server.Options.Memory.Policy))
            .Line("mem_fragmentation_ratio", used > 0 ? Math.Round((double)rss / used, 2) : 0)
            .Line("mem_fragmentation_bytes", rss - used)
            .Line("mem_not_counted_for_evict", 0)
            .Line("mem_clients_slaves", 0)
            .Line("mem_clients_normal", clients)
            .Line("mem_allocator", "dotnet-gc")
            .Line("gc_heap_size", heap)
            .Line("gc_collections_gen2", GC.CollectionCount(2))
            .Line("gc_reclaim_collections", FastNode.Server.Memory.MemoryReclaimer.Collections)
            .Line("active_defrag_running", 0)
            .Line("lazyfree_pending_objects", 0)
            .Line("lazyfreed_objects", 0);
    }

    public static void Persistence(InfoWriter info, ServerState server)
    {
        var aof = server.Aof;
        var p = server.Persistence;
        long nowMs = server.NowMs;
        bool bgsave = p.BackgroundSaveInProgress;
        info.Section("Persistence")
            .Line("loading", p.Loading ? 1 : 0)
            .Line("async_loading", 0)
            .Line("current_cow_peak", 0)
            .Line("current_cow_size", 0)
            .Line("current_cow_size_age", 0)
            .Line("current_fork_perc", p.SaveInProgress && p.SaveKeysTotal > 0 ? Math.Min(100.0, 100.0 * p.SaveKeysProcessed / p.SaveKeysTotal) : 0.0)
            .Line("current_save_keys_processed", p.SaveInProgress ? p.SaveKeysProcessed : 0)
            .Line("current_save_keys_total", p.SaveInProgress ? p.SaveKeysTotal : 0)
            .Line("rdb_changes_since_last_save", Interlocked.Read(ref p.Dirty))
            .Line("rdb_bgsave_in_progress", bgsave ? 1 : 0)
            .Line("rdb_last_save_time", p.LastSaveUnix)
            .Line("rdb_last_bgsave_status", p.LastBgsaveOk ? "ok" : "err")
            .Line("rdb_last_bgsave_time_sec", p.LastBgsaveSeconds)
            .Line("rdb_current_bgsave_time_sec", bgsave ? Math.Max(0, (nowMs - p.SaveStartedMs) / 1000) : -1)
            .Line("rdb_saves", p.Saves)
            .Line("rdb_last_cow_size", 0)
            .Line("rdb_last_load_keys_expired", p.LastLoadKeysExpired)
            .Line("rdb_last_load_keys_loaded", p.LastLoadKeysLoaded)
            .Line("aof_enabled", aof.Enabled ? 1 : 0)
            .Line("aof_rewrite_in_progress", aof.RewriteInProgress ? 1 : 0)
            .Line("aof_rewrite_scheduled", aof.RewriteScheduled ? 1 : 0)
            .Line("aof_last_rewrite_time_sec", aof.LastRewriteSeconds)
            .Line("aof_current_rewrite_time_sec", aof.CurrentRewriteSeconds)
            .Line("aof_last_bgrewrite_status", aof.LastRewriteOk ? "ok" : "err")
            .Line("aof_rewrites", aof.Rewrites)
            .Line("aof_rewrites_consecutive_failures", aof.ConsecutiveFailures)
            .Line("aof_last_write_status", aof.Writer?.LastError is null ? "ok" : "err")
            .Line("aof_last_cow_size", 0)
            .Line("module_fork_in_progress", 0)
            .Line("module_fork_last_cow_size", 0);
        if (aof.Writer is not { } writer) return;
        // Redis adds these while the AOF is on.
        info.Line("aof_current_size", aof.CurrentSize)
            .Line("aof_base_size", aof.BaseSize)
            .Line("aof_pending_rewrite", 0)
            .Line("aof_buffer_length", writer.PendingBytes)
            .Line("aof_pending_bio_fsync", 0)
            .Line("aof_delayed_fsync", 0);
    }

    public static void Stats(InfoWriter info, ServerState server)
    {
        var stats = server.Stats;
        long expired = 0, hits = 0, misses = 0;
        for (int db = 0; db < server.DatabaseCount; db++)
        {
            var counters = server.Database(db).KeyspaceCounters();
            expired += counters.Expired;
            hits += counters.Hits;
            misses += counters.Misses;
        }
        var metrics = server.Metrics;
        info.Section("Stats")
            .Line("total_connections_received", Interlocked.Read(ref stats.ConnectionsReceived))
            // The dispatcher counts a command before running it; Redis counts it after, so INFO leaves itself out.
            .Line("total_commands_processed", Math.Max(0, server.Clients.TotalCommandsProcessed() - 1))
            .Line("instantaneous_ops_per_sec", (long)Math.Round(metrics.OpsPerSecond))
            .Line("total_net_input_bytes", Interlocked.Read(ref stats.TotalNetInputBytes))
            .Line("total_net_output_bytes", server.Clients.TotalOutputBytes())
            .Line("total_net_repl_input_bytes", 0)
            .Line("total_net_repl_output_bytes", 0)
            .Line("instantaneous_input_kbps", metrics.InputKbps)
            .Line("instantaneous_output_kbps", metrics.OutputKbps)
            .Line("instantaneous_input_repl_kbps", 0.0)
            .Line("instantaneous_output_repl_kbps", 0.0)
            .Line("rejected_connections", Interlocked.Read(ref stats.RejectedConnections))
            .Line("sync_full", Interlocked.Read(ref server.Replication.SyncFull))
            .Line("sync_partial_ok", Interlocked.Read(ref server.Replication.SyncPartialOk))
            .Line("sync_partial_err", Interlocked.Read(ref server.Replication.SyncPartialErr))
            .Line("expired_keys", expired)
            .Line("expired_stale_perc", 0.0)
            .Line("expired_time_cap_reached_count", 0)
            .Line("evicted_keys", server.Memory.EvictedKeys())
            .Line("evicted_clients", server.Memory.ClientEviction.EvictedClients)
            .Line("keyspace_hits", hits)
            .Line("keyspace_misses", misses)
            .Line("pubsub_channels", server.PubSub.Channels.Count)
            .Line("pubsub_patterns", server.PubSub.Patterns.Count)
            .Line("pubsubshard_channels", server.PubSub.ShardChannels.Count)
            .Line("latest_fork_usec", 0)
            .Line("total_forks", 0)
            .Line("migrate_cached_sockets", 0)
            .Line("slave_expires_tracked_keys", 0)
            .Line("active_defrag_hits", 0)
            .Line("active_defrag_misses", 0)
            .Line("active_defrag_key_hits", 0)
            .Line("active_defrag_key_misses", 0)
            .Line("tracking_total_keys", server.Tracking.Table.Keys)
            .Line("tracking_total_items", server.Tracking.Table.Items)
            .Line("tracking_total_prefixes", server.Tracking.Prefixes.Count)
            .Line("unexpected_error_replies", 0)
            .Line("total_error_replies", stats.Errors.Total)
            .Line("dump_payload_sanitizations", 0)
            .Line("protocol_errors", Interlocked.Read(ref stats.ProtocolErrors))
            // Redis counts reads done by its I/O threads here; FastNode's one extra thread is the pipeline helper.
            .Line("io_threaded_reads_processed", Interlocked.Read(ref stats.HandedOffReads));
    }

    public static void Replication(InfoWriter info, ServerState server)
    {
        var replication = server.Replication;
        long now = server.NowMs;
        info.Section("Replication");
        if (replication.Link is { } link)
        {
            info.Line("role", "slave")
                .Line("master_host", link.Host)
                .Line("master_port", link.Port)
                .Line("master_link_status", link.Up ? "up" : "down")
                .Line("master_last_io_seconds_ago", link.Up ? (now - link.LastIoMs) / 1000 : -1)
                .Line("master_sync_in_progress", link.SyncInProgress ? 1 : 0)
                .Line("slave_read_repl_offset", link.Up ? link.ReadOffset : server.Feed.Offset)
                .Line("slave_repl_offset", server.Feed.Offset);
            if (!link.Up) info.Line("master_link_down_since_seconds", link.DownSinceMs > 0 ? (now - link.DownSinceMs) / 1000 : -1);
            info.Line("slave_priority", ConfigLong(server, "replica-priority"))
                .Line("slave_read_only", server.Options.ReplicaReadOnly ? 1 : 0)
                .Line("replica_announced", server.Config.TryGet("replica-announced", out var announced) && announced.Get() == "no" ? 0 : 1);
        }
        else info.Line("role", "master");
        var replicas = replication.Replicas;
        info.Line("connected_slaves", replicas.Count);
        if (server.Options.MinReplicasToWrite > 0) info.Line("min_slaves_good_slaves", replication.GoodReplicas());
        for (int i = 0; i < replicas.Count; i++)
        {
            var r = replicas[i];
            info.Line("slave" + i, $"ip={r.Ip},port={r.ListeningPort},state={r.State},offset={Interlocked.Read(ref r.AckOffset)},lag={(now - r.AckTimeMs) / 1000}");
        }
        var backlog = replication.Backlog;
        info.Line("master_failover_state", server.Replication.Failover.StateName)
            .Line("master_replid", replication.ReplId)
            .Line("master_replid2", replication.ReplId2)
            .Line("master_repl_offset", server.Feed.Offset)
            .Line("second_repl_offset", replication.SecondOffset)
            .Line("repl_backlog_active", backlog is null ? 0 : 1)
            .Line("repl_backlog_size", server.Options.ReplBacklogSize)
            .Line("repl_backlog_first_byte_offset", backlog?.FirstByteOffset ?? 0)
            .Line("repl_backlog_histlen", backlog?.HistLen ?? 0);
    }

    public static void Cpu(InfoWriter info)
    {
        using var process = Process.GetCurrentProcess();
        info.Section("CPU")
            .Line("used_cpu_sys", process.PrivilegedProcessorTime.TotalSeconds, 6)
            .Line("used_cpu_user", process.UserProcessorTime.TotalSeconds, 6)
            .Line("used_cpu_sys_children", 0.0, 6)
            .Line("used_cpu_user_children", 0.0, 6);
    }

    /// <summary>One line per command or subcommand called since start or CONFIG RESETSTAT.</summary>
    public static void CommandStats(InfoWriter info, ServerState server)
    {
        info.Section("Commandstats");
        foreach (var def in server.Commands.AllIncludingSubcommands)
        {
            long calls = def.Stats.Calls;
            if (calls == 0) continue;
            long usec = def.Stats.Microseconds;
            string perCall = ((double)usec / calls).ToString("F2", CultureInfo.InvariantCulture);
            info.Line("cmdstat_" + def.FullName,
                $"calls={calls},usec={usec},usec_per_call={perCall},rejected_calls=0,failed_calls={def.Stats.FailedCalls}");
        }
    }

    public static void ErrorStats(InfoWriter info, ServerState server)
    {
        info.Section("Errorstats");
        foreach (var (prefix, count) in server.Stats.Errors.Snapshot()) info.Line("errorstat_" + prefix, "count=" + count.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Non-empty databases only. avg_ttl is not tracked (Redis estimates it by sampling) and reports 0.</summary>
    public static void Keyspace(InfoWriter info, ServerState server)
    {
        info.Section("Keyspace");
        for (int i = 0; i < server.DatabaseCount; i++)
        {
            var db = server.Database(i);
            long keys = db.Count();
            if (keys == 0) continue;
            info.Line("db" + i.ToString(CultureInfo.InvariantCulture), $"keys={keys},expires={db.VolatileCount()},avg_ttl=0");
        }
    }

    /// <summary>Redis's bytesToHuman: "512B", "1.28M", "23.54G".</summary>
    public static string Human(long bytes)
    {
        var inv = CultureInfo.InvariantCulture;
        if (bytes < 1024) return bytes.ToString(inv) + "B";
        string[] units = ["K", "M", "G", "T", "P"];
        double value = bytes;
        int unit = -1;
        do
        {
            value /= 1024;
            unit++;
        } while (value >= 1024 && unit < units.Length - 1);
        return value.ToString("F2", inv) + units[unit];
    }

    private static string Percent(long part, long whole) =>
        (whole > 0 ? part * 100.0 / whole : 0).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static string ConfigText(ServerState server, string name) =>
        server.Config.TryGet(name, out var setting) ? setting.Get() : "";

    private static long ConfigLong(ServerState server, string name) =>
        long.TryParse(ConfigText(server, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : 0;
}
