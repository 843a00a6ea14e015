using System.Text;
using System.Text.RegularExpressions;
using FastNode.Server.Commands;
using FastNode.Server.Commands.Server.Docs;
using FastNode.Server.Config;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

/// <summary>
/// DBSIZE, FLUSHDB/FLUSHALL, TIME, INFO, CONFIG, COMMAND, WAIT, SHUTDOWN, DEBUG and the refused persistence and
/// cluster commands, byte for byte as Redis 7.0 answers them where FastNode matches it.
/// </summary>
public sealed class ServerCommandsTests
{
    private const string Syntax = "-ERR syntax error\r\n";
    private static readonly DateTimeOffset Epoch = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560);

    private static string Bulk(string text) => $"${Encoding.UTF8.GetByteCount(text)}\r\n{text}\r\n";

    private static string BulkText(string reply) => ConnectionCommandsTests.BulkText(reply);

    [Test]
    public async Task DbSizeFlushDbAndFlushAll()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("SET", "b", "2");
        await c.CallAsync("SELECT", "1");
        await c.CallAsync("SET", "c", "3");
        Assert.That(await c.CallAsync("DBSIZE"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("FLUSHDB", "SYNC"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("DBSIZE"), Is.EqualTo(":0\r\n"));
        await c.CallAsync("SELECT", "0");
        Assert.That(await c.CallAsync("DBSIZE"), Is.EqualTo(":2\r\n"), "FLUSHDB only empties the selected database");
        await c.CallAsync("SELECT", "2");
        await c.CallAsync("SET", "d", "4");
        Assert.That(await c.CallAsync("FLUSHALL", "async"), Is.EqualTo("+OK\r\n"));
        Assert.That(c.Server.Database(0).Count() + c.Server.Database(2).Count(), Is.Zero);
        Assert.That(await c.CallAsync("FLUSHDB", "LAZY"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("FLUSHALL", "SYNC", "ASYNC"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("DBSIZE", "x"), Is.EqualTo("-ERR wrong number of arguments for 'dbsize' command\r\n"));
    }

    [Test]
    public async Task TimeAndLastSaveFollowTheServerClock()
    {
        var time = new FakeTimeProvider(Epoch);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        Assert.That(await c.CallAsync("TIME"), Is.EqualTo("*2\r\n$10\r\n1704164645\r\n$6\r\n123456\r\n"));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(await c.CallAsync("TIME"), Is.EqualTo("*2\r\n$10\r\n1704164655\r\n$6\r\n123456\r\n"));
        Assert.That(await c.CallAsync("LASTSAVE"), Is.EqualTo(":1704164645\r\n"));
    }

    [Test]
    public async Task RoleWaitAndBgRewriteAofRefused()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("ROLE"), Is.EqualTo("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n"));
        Assert.That(await c.CallAsync("WAIT", "0", "0"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("WAIT", "-1", "0"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("WAIT", "a", "0"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("WAIT", "1", "1.5"), Is.EqualTo("-ERR timeout is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("WAIT", "1", "-1"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("BGSAVE", "foo"), Is.EqualTo(Syntax));
    }

    [Test]
    public async Task WaitForAReplicaTimesOutWithZero()
    {
        var time = new FakeTimeProvider(Epoch);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.SendAsync(Resp.Command("WAIT", "1", "100"));
        await ConnectionCommandsTests.WaitUntilAsync(() => c.Session.PendingBlock is not null);
        time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));
        // Inside a transaction WAIT cannot block.
        await c.CallAsync("MULTI");
        Assert.That(await c.CallAsync("WAIT", "1", "0"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*1\r\n:0\r\n"));
    }

    [Test]
    public async Task ClusterCommandsAnswerThatClusterSupportIsDisabled()
    {
        await using var c = new InMemoryClient();
        const string Disabled = "-ERR This instance has cluster support disabled\r\n";
        Assert.That(await c.CallAsync("CLUSTER", "INFO"), Is.EqualTo(Disabled));
        Assert.That(await c.CallAsync("CLUSTER", "NODES"), Is.EqualTo(Disabled));
        Assert.That(await c.CallAsync("CLUSTER", "SLOTS"), Is.EqualTo(Disabled));
        Assert.That(await c.CallAsync("CLUSTER", "SHARDS"), Is.EqualTo(Disabled));
        Assert.That(await c.CallAsync("CLUSTER", "KEYSLOT", "a"), Is.EqualTo(Disabled));
        Assert.That(await c.CallAsync("READONLY"), Is.EqualTo(Disabled));
        Assert.That(await c.CallAsync("READWRITE"), Is.EqualTo(Disabled));
        Assert.That(await c.CallAsync("CLUSTER", "FOO"), Is.EqualTo("-ERR unknown subcommand 'FOO'. Try CLUSTER HELP.\r\n"));
        Assert.That(await c.CallAsync("CLUSTER", "HELP"), Does.StartWith("*"));
    }

    [Test]
    public async Task ScriptAndFunctionFlushSucceed()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("SCRIPT", "FLUSH"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SCRIPT", "FLUSH", "SYNC"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SCRIPT", "FLUSH", "foo"), Is.EqualTo("-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n"));
        Assert.That(await c.CallAsync("FUNCTION", "FLUSH", "ASYNC"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("FUNCTION", "FLUSH", "foo"), Is.EqualTo("-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n"));
        Assert.That(await c.CallAsync("FUNCTION", "FLUSH", "a", "b"),
            Is.EqualTo("-ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.\r\n"));
    }

    [Test]
    public async Task MemoryUsageAndSlowlog()
    {
        await using var c = new InMemoryClient();
        // A first call can take over 10 ms while the JIT compiles it: the slow log would not be empty.
        await c.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        await c.CallAsync("SET", "k", "value");
        string usage = await c.CallAsync("MEMORY", "USAGE", "k");
        Assert.That(usage, Does.Match(@"^:\d+\r\n$"));
        Assert.That(long.Parse(usage[1..^2]), Is.GreaterThan(5));
        Assert.That(await c.CallAsync("MEMORY", "USAGE", "k", "SAMPLES", "0"), Is.EqualTo(usage));
        Assert.That(await c.CallAsync("MEMORY", "USAGE", "missing"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("MEMORY", "USAGE", "k", "SAMPLES"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("MEMORY", "USAGE", "k", "SAMPLES", "-1"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("MEMORY", "USAGE", "k", "SAMPLES", "x"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("MEMORY", "STATS"), Does.StartWith("*20\r\n$14\r\npeak.allocated\r\n:"));
        Assert.That(await c.CallAsync("SLOWLOG", "GET"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("SLOWLOG", "GET", "-1"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("SLOWLOG", "GET", "-2"), Is.EqualTo("-ERR count should be greater than or equal to -1\r\n"));
        Assert.That(await c.CallAsync("SLOWLOG", "GET", "5", "6"),
            Is.EqualTo("-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n"));
        Assert.That(await c.CallAsync("SLOWLOG", "LEN"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("SLOWLOG", "RESET"), Is.EqualTo("+OK\r\n"));
    }

    [Test]
    public async Task DebugIsRefusedUnlessEnabled()
    {
        var server = InMemoryClient.NewServer();
        await using (var c = new InMemoryClient(server))
        {
            Assert.That(await c.CallAsync("DEBUG", "SLEEP", "0"), Is.EqualTo(
                "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"));
            Assert.That(await c.CallAsync("CONFIG", "SET", "enable-debug-command", "yes"), Is.EqualTo(
                "-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config\r\n"));
        }
        Assert.That(server.Config.Load("enable-debug-command", "local"), Is.Null);
        await using (var c = new InMemoryClient(server))
        {
            Assert.That(await c.CallAsync("DEBUG", "SLEEP", "0"), Is.EqualTo("+OK\r\n"));
            Assert.That(await c.CallAsync("DEBUG", "SLEEP", "abc"), Is.EqualTo("+OK\r\n"));
            Assert.That(await c.CallAsync("DEBUG", "JMAP"), Is.EqualTo("-ERR unknown subcommand or wrong number of arguments for 'JMAP'. Try DEBUG HELP.\r\n"));
            Assert.That(await c.CallAsync("DEBUG", "SLEEP"), Is.EqualTo("-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.\r\n"));
        }
    }

    [Test]
    public async Task ShutdownStopsTheServerWithoutAReply()
    {
        var server = InMemoryClient.NewServer();
        int stops = 0;
        server.ShutdownHandler = () => stops++;
        await using var c = new InMemoryClient(server);
        Assert.That(await c.CallAsync("SHUTDOWN", "ABORT"), Is.EqualTo("-ERR No shutdown in progress.\r\n"));
        // A save that fails (its directory is gone) refuses the shutdown.
        server.Options.Dir = Path.Combine(server.Options.Dir, "no-such-dir");
        Assert.That(await c.CallAsync("SHUTDOWN", "SAVE"), Is.EqualTo("-ERR Errors trying to SHUTDOWN. Check logs.\r\n"));
        Assert.That(await c.CallAsync("SHUTDOWN"), Is.EqualTo("-ERR Errors trying to SHUTDOWN. Check logs.\r\n"), "save rules configured: SHUTDOWN saves");
        Assert.That(await c.CallAsync("SHUTDOWN", "NOSAVE", "SAVE"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("SHUTDOWN", "NOW", "foo"), Is.EqualTo(Syntax));
        Assert.That(stops, Is.Zero);
        await c.SendAsync(Resp.Command("SHUTDOWN", "NOSAVE", "NOW"));
        Assert.That(await c.ReadToEndAsync(), Is.Empty);
        Assert.That(stops, Is.EqualTo(1));
    }

    [Test]
    public async Task InfoKeyspaceCountsKeysAndExpiries()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("INFO", "keyspace"), Is.EqualTo(Bulk("# Keyspace\r\n")));
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("SET", "b", "2", "EX", "100");
        await c.CallAsync("SELECT", "3");
        await c.CallAsync("SET", "c", "3");
        Assert.That(await c.CallAsync("INFO", "keyspace"),
            Is.EqualTo(Bulk("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n")));
        Assert.That(await c.CallAsync("INFO", "KEYSPACE", "cluster"),
            Is.EqualTo(Bulk("# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n")));
        await c.CallAsync("HELLO", "3");
        string text = "# Cluster\r\ncluster_enabled:0\r\n";
        Assert.That(await c.CallAsync("INFO", "cluster"), Is.EqualTo($"={text.Length + 4}\r\ntxt:{text}\r\n"));
    }

    [Test]
    public async Task InfoSectionsComeInRedisOrder()
    {
        await using var c = new InMemoryClient();
        string[] Headers(string reply) => Regex.Matches(BulkText(reply), "^# (.+)\r$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        string[] defaults = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules", "Errorstats", "Cluster", "Keyspace"];
        Assert.That(Headers(await c.CallAsync("INFO")), Is.EqualTo(defaults));
        Assert.That(Headers(await c.CallAsync("INFO", "default")), Is.EqualTo(defaults));
        Assert.That(Headers(await c.CallAsync("INFO", "all")),
            Is.EqualTo(new[] { "Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace" }));
        Assert.That(Headers(await c.CallAsync("INFO", "keyspace", "server")), Is.EqualTo(new[] { "Server", "Keyspace" }));
        Assert.That(await c.CallAsync("INFO", "nosuchsection"), Is.EqualTo("$0\r\n\r\n"));

        string info = BulkText(await c.CallAsync("INFO", "server"));
        Assert.That(info, Does.StartWith("# Server\r\nredis_version:7.0.15\r\n"));
        Assert.That(info, Does.Contain($"\r\nfastnode_version:{ServerInfo.Version}\r\n"));
        Assert.That(info, Does.Contain("\r\nredis_mode:standalone\r\n"));
        Assert.That(info, Does.Contain($"\r\nrun_id:{c.Server.RunId}\r\n"));
        Assert.That(info, Does.Contain($"\r\nprocess_id:{Environment.ProcessId}\r\n"));
        Assert.That(info, Does.Contain("\r\narch_bits:64\r\n"));
        Assert.That(info.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1), Is.All.Match("^[a-z0-9_]+:.*$"));
        string replication = BulkText(await c.CallAsync("INFO", "replication"));
        Assert.That(replication, Does.StartWith("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"));
        Assert.That(replication, Does.Match("master_replid:[0-9a-f]{40}\r\n"));
        Assert.That(BulkText(await c.CallAsync("INFO", "persistence")), Does.StartWith("# Persistence\r\nloading:0\r\n"));
    }

    [Test]
    public async Task InfoStatsCountHitsMissesExpiriesAndErrors()
    {
        var time = new FakeTimeProvider(Epoch);
        var server = InMemoryClient.NewServer(time: time);
        await using var c = new InMemoryClient(server);
        await c.CallAsync("SET", "k", "v");
        await c.CallAsync("SET", "short", "v", "PX", "100");
        await c.CallAsync("GET", "k");
        await c.CallAsync("GET", "missing");
        time.Advance(TimeSpan.FromMilliseconds(200));
        await c.CallAsync("GET", "short");
        await c.CallAsync("NOSUCHCOMMAND");
        await c.CallAsync("AUTH", "bob", "pw");
        string stats = BulkText(await c.CallAsync("INFO", "stats"));
        Assert.That(stats, Does.Contain("\r\nkeyspace_hits:1\r\n"));
        Assert.That(stats, Does.Contain("\r\nkeyspace_misses:2\r\n"));
        Assert.That(stats, Does.Contain("\r\nexpired_keys:1\r\n"));
        Assert.That(stats, Does.Contain("\r\ntotal_commands_processed:6\r\n"));
        Assert.That(stats, Does.Contain("\r\ntotal_error_replies:2\r\n"));
        Assert.That(await c.CallAsync("INFO", "errorstats"), Is.EqualTo(Bulk("# Errorstats\r\nerrorstat_ERR:count=1\r\nerrorstat_WRONGPASS:count=1\r\n")));
        string clients = BulkText(await c.CallAsync("INFO", "clients"));
        Assert.That(clients, Does.StartWith("# Clients\r\nconnected_clients:1\r\n"));
        Assert.That(clients, Does.Contain("\r\nmaxclients:10000\r\nclient_recent_max_input_buffer:0\r\n"));
    }

    [Test]
    public async Task InfoCommandstatsAndConfigResetstat()
    {
        await using var c = new InMemoryClient();
        // Command counters live in the process-wide command table: start from zero.
        await c.CallAsync("CONFIG", "RESETSTAT");
        await c.CallAsync("SET", "k", "abc");
        await c.CallAsync("GET", "k");
        await c.CallAsync("INCR", "k");
        await c.CallAsync("CONFIG", "GET", "hz");
        string stats = BulkText(await c.CallAsync("INFO", "commandstats"));
        Assert.That(stats, Does.StartWith("# Commandstats\r\n"));
        Assert.That(stats, Does.Match(@"\r\ncmdstat_get:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n"));
        Assert.That(stats, Does.Match(@"\r\ncmdstat_incr:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1\r\n"));
        Assert.That(stats, Does.Match(@"\r\ncmdstat_config\|get:calls=1,"));
        Assert.That(stats, Does.Not.Contain("cmdstat_config:"), "containers are not listed, only their subcommands");

        Assert.That(await c.CallAsync("CONFIG", "RESETSTAT"), Is.EqualTo("+OK\r\n"));
        Assert.That(BulkText(await c.CallAsync("INFO", "commandstats")),
            Does.Match(@"^# Commandstats\r\ncmdstat_config\|resetstat:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n$"));
        string after = BulkText(await c.CallAsync("INFO", "stats"));
        Assert.That(after, Does.Contain("\r\nkeyspace_hits:0\r\nkeyspace_misses:0\r\n"));
        Assert.That(after, Does.Contain("\r\ntotal_error_replies:0\r\n"));
    }

    [Test]
    public async Task CommandstatsCountEveryCallOfAPipelinedBatch()
    {
        // Consecutive calls of a short command are timed as one run (one clock read): the counts must still be exact
        // across run boundaries (a change of command, the run length cap, EXEC's inner commands, the batch's end),
        // and a command later in the same batch must already see the calls before it.
        await using var c = new InMemoryClient();
        await c.CallAsync("CONFIG", "RESETSTAT");
        var batch = new List<byte>();
        int replies = 0;   // one per command: the queued GETs answer QUEUED, EXEC one array
        void Add(params string[] args)
        {
            batch.AddRange(Resp.Command(args));
            replies++;
        }
        int gets = 0;
        for (int i = 0; i < CommandContext.MaxRunLength + 8; i++, gets++) Add("GET", "k");
        Add("SET", "k", "abc");
        Add("INCR", "k");
        Add("INCR", "k");
        Add("MULTI");
        Add("GET", "k");
        Add("GET", "k");
        Add("EXEC");
        gets += 2;
        for (int i = 0; i < 3; i++, gets++) Add("GET", "k");
        int beforeInfo = replies;
        Add("INFO", "commandstats");
        Add("GET", "k");
        await c.SendAsync(batch.ToArray());
        for (int i = 0; i < beforeInfo; i++) await c.ReadReplyAsync();
        string stats = BulkText(await c.ReadReplyAsync());
        var get = Regex.Match(stats, $@"\r\ncmdstat_get:calls={gets},usec=(\d+),usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n");
        Assert.That(get.Success, stats);
        Assert.That(long.Parse(get.Groups[1].Value), Is.GreaterThan(0), "a run's time is the time of its calls");
        Assert.That(stats, Does.Contain("\r\ncmdstat_set:calls=1,"));
        Assert.That(stats, Does.Match(@"\r\ncmdstat_incr:calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=2\r\n"));
        Assert.That(stats, Does.Contain("\r\ncmdstat_exec:calls=1,"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo(Bulk("abc")));
        Assert.That(BulkText(await c.CallAsync("INFO", "commandstats")), Does.Contain($"\r\ncmdstat_get:calls={gets + 1},"),
            "the run still open when the batch ended was recorded");
    }

    [Test]
    public async Task ConfigGetMatchesGlobsAndNames()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("CONFIG", "GET", "maxclients"), Is.EqualTo("*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "MAXCLIENTS"), Is.EqualTo("*2\r\n$10\r\nMAXCLIENTS\r\n$5\r\n10000\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "nosuch"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "maxclients", "timeout", "maxclients"),
            Is.EqualTo("*4\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n$7\r\ntimeout\r\n$1\r\n0\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "save"), Is.EqualTo("*2\r\n$4\r\nsave\r\n$23\r\n3600 1 300 100 60 10000\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "appendonly"), Is.EqualTo("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "slave-read-only"), Is.EqualTo("*2\r\n$15\r\nslave-read-only\r\n$3\r\nyes\r\n"));

        var readOnly = (List<object?>)RespTree.Parse(await c.CallAsync("CONFIG", "GET", "*READ-only"))!;
        Assert.That(readOnly.Where((_, i) => i % 2 == 0), Is.EquivalentTo(new[] { "replica-read-only", "slave-read-only" }));
        var all = (List<object?>)RespTree.Parse(await c.CallAsync("CONFIG", "GET", "*"))!;
        var names = all.Where((_, i) => i % 2 == 0).Cast<string>().ToList();
        Assert.That(names, Is.Unique);
        Assert.That(names, Is.SupersetOf(new[] { "port", "bind", "databases", "maxmemory", "save", "appendonly", "requirepass", "dir" }));

        await c.CallAsync("HELLO", "3");
        Assert.That(await c.CallAsync("CONFIG", "GET", "hz", "port"), Is.EqualTo("%2\r\n$2\r\nhz\r\n$2\r\n10\r\n$4\r\nport\r\n$1\r\n0\r\n"));
    }

    [Test]
    public async Task ConfigSetErrorsAreRedisTexts()
    {
        await using var c = new InMemoryClient();
        static string Failed(string name, string reason) => $"-ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}\r\n";
        Assert.That(await c.CallAsync("CONFIG", "SET", "databases", "3"), Is.EqualTo(Failed("databases", "can't set immutable config")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "maxclients", "abc"), Is.EqualTo(Failed("maxclients", "argument couldn't be parsed into an integer")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "MAXCLIENTS", "0"), Is.EqualTo(Failed("maxclients", "argument must be between 1 and 4294967295 inclusive")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "foo", "bar"), Is.EqualTo("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "maxclients", "1", "maxclients", "2"), Is.EqualTo(Failed("maxclients", "duplicate parameter")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "maxclients", "100", "timeout"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("CONFIG", "SET", "maxclients"), Is.EqualTo("-ERR wrong number of arguments for 'config|set' command\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "slave-read-only", "maybe"), Is.EqualTo(Failed("slave-read-only", "argument must be 'yes' or 'no'")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "loglevel", "loud"),
            Is.EqualTo(Failed("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "maxmemory", "lots"), Is.EqualTo(Failed("maxmemory", "argument must be a memory value")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "proto-max-bulk-len", "1k"),
            Is.EqualTo(Failed("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "save", "100"), Is.EqualTo(Failed("save", "Invalid save parameters")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "notify-keyspace-events", "Z"),
            Is.EqualTo(Failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "dir", "/tmp"), Is.EqualTo(Failed("dir", "can't set protected config")));
        Assert.That(await c.CallAsync("CONFIG", "REWRITE"), Is.EqualTo("-ERR The server is running without a config file\r\n"));
    }

    [Test]
    public async Task SettingsWithAFixedSetOfValuesMatchAnyCaseAndKeepLowerCase()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "maxmemory-policy"), Is.EqualTo("*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "maxmemory-policy", "lru"), Is.EqualTo(
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: " +
            "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "loglevel", "NOTHING"), Is.EqualTo("+OK\r\n"), "7.2's level, accepted though not listed");
        Assert.That(await c.CallAsync("CONFIG", "GET", "loglevel"), Is.EqualTo("*2\r\n$8\r\nloglevel\r\n$7\r\nnothing\r\n"));

        var registry = new ConfigRegistry(new ServerOptions());
        Assert.That(registry.Load("io-engine", "SOCKETS"), Is.Null);
        Assert.That(registry.Options.IoEngine, Is.EqualTo("sockets"));
        Assert.That(registry.Load("io-engine", "uring"), Is.EqualTo("argument(s) must be one of the following: sockets, epoll"));
        Assert.That(registry.Options.IoEngine, Is.EqualTo("sockets"), "a refused value changes nothing");
    }

    [Test]
    public async Task ConfigSetOfSeveralParametersIsAllOrNothing()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("CONFIG", "SET", "timeout", "5", "maxclients", "abc"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "timeout"), Is.EqualTo("*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "timeout", "5", "databases", "2"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "timeout", "5", "maxclients", "100", "notify-keyspace-events", "KEA"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "timeout", "maxclients", "notify-keyspace-events"),
            Is.EqualTo("*6\r\n$7\r\ntimeout\r\n$1\r\n5\r\n$10\r\nmaxclients\r\n$3\r\n100\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n"));
        Assert.That(c.Server.Options.Timeout, Is.EqualTo(5));
        Assert.That(c.Server.Options.MaxClients, Is.EqualTo(100));
        Assert.That(await c.CallAsync("CONFIG", "SET", "hz", "0"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "hz"), Is.EqualTo("*2\r\n$2\r\nhz\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "lua-time-limit", "6000"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "busy-reply-threshold"), Is.EqualTo("*2\r\n$20\r\nbusy-reply-threshold\r\n$4\r\n6000\r\n"));
    }

    [Test]
    public async Task ConfigSetProtoMaxBulkLenAppliesToTheNextRequest()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("CONFIG", "SET", "proto-max-bulk-len", "1mb"), Is.EqualTo("+OK\r\n"));
        Assert.That(c.Server.Limits.MaxBulkLength, Is.EqualTo(1024 * 1024));
        await c.SendAsync("*2\r\n$4\r\nECHO\r\n$2000000\r\n");
        Assert.That(await c.ReadToEndAsync(), Is.EqualTo("-ERR Protocol error: invalid bulk length\r\n"));
    }

    [Test]
    public async Task ConfigSetRequirePassKeepsConnectedClientsLoggedIn()
    {
        var server = InMemoryClient.NewServer();
        await using var admin = new InMemoryClient(server);
        await using var other = new InMemoryClient(server);
        await other.CallAsync("PING");
        Assert.That(await admin.CallAsync("CONFIG", "SET", "requirepass", "secret"), Is.EqualTo("+OK\r\n"));
        Assert.That(await admin.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
        Assert.That(await other.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
        await using var late = new InMemoryClient(server);
        Assert.That(await late.CallAsync("GET", "k"), Is.EqualTo("-NOAUTH Authentication required.\r\n"));
        Assert.That(await late.CallAsync("AUTH", "secret"), Is.EqualTo("+OK\r\n"));
        Assert.That(await admin.CallAsync("CONFIG", "GET", "requirepass"), Is.EqualTo("*2\r\n$11\r\nrequirepass\r\n$6\r\nsecret\r\n"));
    }

    [Test]
    public async Task CommandCountEqualsTheTableSize()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("COMMAND", "COUNT"), Is.EqualTo($":{c.Server.Commands.Commands.Count}\r\n"));
        var all = (List<object?>)RespTree.Parse(await c.CallAsync("COMMAND"))!;
        Assert.That(all, Has.Count.EqualTo(c.Server.Commands.Commands.Count));
        Assert.That(all.Cast<List<object?>>().Select(e => e[0]), Is.Unique);
    }

    [Test]
    public async Task CommandInfoGetIsExactlyRedis()
    {
        await using var c = new InMemoryClient();
        const string Get = "*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n" +
            "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n" +
            "$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n" +
            "$5\r\nlimit\r\n:0\r\n*0\r\n";
        Assert.That(await c.CallAsync("COMMAND", "INFO", "get"), Is.EqualTo("*1\r\n" + Get));
        Assert.That(await c.CallAsync("COMMAND", "INFO", "nosuch", "GET"), Is.EqualTo("*2\r\n$-1\r\n" + Get));
        Assert.That(await c.CallAsync("COMMAND", "INFO", "config|get"), Is.EqualTo(
            "*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n" +
            "*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n"));
        await c.CallAsync("HELLO", "3");
        Assert.That(await c.CallAsync("COMMAND", "INFO", "get"), Is.EqualTo(
            "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n" +
            "%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n" +
            "$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n"));
    }

    [Test]
    public async Task CommandInfoOfAContainerListsItsSubcommands()
    {
        await using var c = new InMemoryClient();
        var reply = (List<object?>)RespTree.Parse(await c.CallAsync("COMMAND", "INFO", "client"))!;
        var client = (List<object?>)reply[0]!;
        Assert.That(client[0], Is.EqualTo("client"));
        Assert.That(client[1], Is.EqualTo(-2L));
        Assert.That(client[6], Is.EqualTo(new List<object?> { "@slow" }));
        var subcommands = ((List<object?>)client[9]!).Cast<List<object?>>().ToList();
        var kill = subcommands.Single(s => (string?)s[0] == "client|kill");
        Assert.That(kill[1], Is.EqualTo(-3L));
        Assert.That(kill[2], Is.EqualTo(new List<object?> { "admin", "noscript", "loading", "stale" }));
        Assert.That(kill[6], Is.EqualTo(new List<object?> { "@admin", "@slow", "@dangerous", "@connection" }));
    }

    [Test]
    public async Task CommandDocsDescribeEveryCommandWithWellFormedArguments()
    {
        await using var c = new InMemoryClient();
        var docs = (List<object?>)RespTree.Parse(await c.CallAsync("COMMAND", "DOCS"))!;
        var names = docs.Where((_, i) => i % 2 == 0).Cast<string>().ToList();
        Assert.That(names, Is.EquivalentTo(c.Server.Commands.Commands.Select(d => d.FullName)));
        for (int i = 0; i < docs.Count; i += 2) CheckDoc((string)docs[i]!, (List<object?>)docs[i + 1]!);

        var set = (List<object?>)RespTree.Parse(await c.CallAsync("COMMAND", "DOCS", "set"))!;
        Assert.That(set[0], Is.EqualTo("set"));
        var setDoc = (List<object?>)set[1]!;
        Assert.That(RespTree.Field(setDoc, "since"), Is.EqualTo("1.0.0"));
        Assert.That(RespTree.Field(setDoc, "group"), Is.EqualTo("string"));
        var arguments = ((List<object?>)RespTree.Field(setDoc, "arguments")!).Cast<List<object?>>().ToList();
        Assert.That(arguments.Select(a => RespTree.Field(a, "type")), Is.EqualTo(new[] { "key", "string", "oneof", "pure-token", "oneof" }));
        var expiry = ((List<object?>)RespTree.Field(arguments[4], "arguments")!).Cast<List<object?>>().ToList();
        Assert.That(expiry.Select(a => RespTree.Field(a, "token")), Is.EqualTo(new[] { "EX", "PX", "EXAT", "PXAT", "KEEPTTL" }));
        Assert.That(RespTree.Field(arguments[4], "flags"), Is.EqualTo(new List<object?> { "optional" }));

        Assert.That(await c.CallAsync("COMMAND", "DOCS", "nosuch"), Is.EqualTo("*0\r\n"));
        var clientDocs = (List<object?>)((List<object?>)RespTree.Parse(await c.CallAsync("COMMAND", "DOCS", "client"))!)[1]!;
        var subcommands = (List<object?>)RespTree.Field(clientDocs, "subcommands")!;
        Assert.That(subcommands, Does.Contain("client|kill").And.Contain("client|setname"));
    }

    /// <summary>What redis-cli asserts when it builds its hints: strings where it expects them, a type on every argument.</summary>
    private static void CheckDoc(string name, List<object?> doc)
    {
        Assert.That(RespTree.Field(doc, "summary"), Is.InstanceOf<string>(), name);
        Assert.That(RespTree.Field(doc, "since"), Is.InstanceOf<string>(), name);
        Assert.That(RespTree.Field(doc, "group"), Is.InstanceOf<string>().And.Not.Empty, name);
        for (int i = 0; i < doc.Count; i += 2)
        {
            if ((string)doc[i]! == "arguments") CheckArguments(name, (List<object?>)doc[i + 1]!);
            if ((string)doc[i]! != "subcommands") continue;
            var subs = (List<object?>)doc[i + 1]!;
            for (int j = 0; j < subs.Count; j += 2)
            {
                Assert.That((string)subs[j]!, Does.StartWith(name + "|"));
                CheckDoc((string)subs[j]!, (List<object?>)subs[j + 1]!);
            }
        }
    }

    private static void CheckArguments(string command, List<object?> arguments)
    {
        string[] types = ["key", "string", "integer", "double", "pattern", "unix-time", "pure-token", "oneof", "block"];
        foreach (List<object?> arg in arguments.Cast<List<object?>>())
        {
            Assert.That(RespTree.Field(arg, "name"), Is.InstanceOf<string>().And.Not.Empty, command);
            string type = (string)RespTree.Field(arg, "type")!;
            Assert.That(types, Does.Contain(type), command);
            if (type == "pure-token") Assert.That(RespTree.Field(arg, "token"), Is.InstanceOf<string>(), command);
            if (type is "oneof" or "block") CheckArguments(command, (List<object?>)RespTree.Field(arg, "arguments")!);
        }
    }

    [Test]
    public void EveryDocsEntryParses()
    {
        var docs = CommandDocs.All.ToList();
        Assert.That(docs, Has.Count.GreaterThan(200));
        Assert.That(docs.Select(d => d.FullName), Is.Unique);
        Assert.That(SyntaxParser.Parse("key [PREFIX prefix ...+] (a|b)").Select(a => a.Type), Is.EqualTo(new[] { "key", "string", "oneof" }));
        Assert.That(() => SyntaxParser.Parse("key [NX"), Throws.InstanceOf<FormatException>());
    }

    [Test]
    public async Task CommandGetKeysAndList()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("COMMAND", "GETKEYS", "SET", "a", "b"), Is.EqualTo("*1\r\n$1\r\na\r\n"));
        Assert.That(await c.CallAsync("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
        Assert.That(await c.CallAsync("COMMAND", "GETKEYS", "object", "encoding", "k"), Is.EqualTo("*1\r\n$1\r\nk\r\n"));
        Assert.That(await c.CallAsync("COMMAND", "GETKEYS", "PING", "x"), Is.EqualTo("-ERR The command has no key arguments\r\n"));
        Assert.That(await c.CallAsync("COMMAND", "GETKEYS", "FOO", "x"), Is.EqualTo("-ERR Invalid command specified\r\n"));
        Assert.That(await c.CallAsync("COMMAND", "GETKEYS", "GET", "a", "b"), Is.EqualTo("-ERR Invalid number of arguments specified for command\r\n"));
        Assert.That(await c.CallAsync("COMMAND", "GETKEYS", "GET"), Is.EqualTo("-ERR wrong number of arguments for 'command|getkeys' command\r\n"));
        Assert.That(await c.CallAsync("COMMAND", "GETKEYSANDFLAGS", "GET", "a"), Is.EqualTo("*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n"));

        var configNames = (List<object?>)RespTree.Parse(await c.CallAsync("COMMAND", "LIST", "FILTERBY", "PATTERN", "con*"))!;
        Assert.That(configNames, Is.EquivalentTo(new[] { "config", "config|get", "config|set", "config|resetstat", "config|rewrite", "config|help" }));
        var connection = (List<object?>)RespTree.Parse(await c.CallAsync("COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"))!;
        Assert.That(connection, Does.Contain("hello").And.Contain("client|kill").And.Not.Contain("get"));
        Assert.That(await c.CallAsync("COMMAND", "LIST", "FILTERBY", "MODULE", "x"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("COMMAND", "LIST", "foo"), Is.EqualTo(Syntax));
        var everything = (List<object?>)RespTree.Parse(await c.CallAsync("COMMAND", "LIST"))!;
        Assert.That(everything, Has.Count.EqualTo(c.Server.Commands.AllIncludingSubcommands.Count));
    }
}
