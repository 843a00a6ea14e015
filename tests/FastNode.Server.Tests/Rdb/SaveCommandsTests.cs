using FastNode.Server.Persistence.Rdb;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests.Rdb;

/// <summary>SAVE, BGSAVE, LASTSAVE, INFO persistence, dir/dbfilename, MISCONF after a failed background save.</summary>
public sealed class SaveCommandsTests
{
    private static string Info(string reply, string field)
    {
        foreach (var line in reply.Split("\r\n"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal)) return line[(field.Length + 1)..];
        }
        return "(missing)";
    }

    [Test]
    public async Task SaveWritesTheFileAndResetsTheCounters()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("SET", "b", "2");
        await c.CallAsync("GET", "a");
        var info = await c.CallAsync("INFO", "persistence");
        Assert.That(Info(info, "rdb_changes_since_last_save"), Is.EqualTo("2"));
        Assert.That(Info(info, "rdb_saves"), Is.EqualTo("0"));
        Assert.That(Info(info, "rdb_last_bgsave_time_sec"), Is.EqualTo("-1"));
        Assert.That(Info(info, "aof_enabled"), Is.EqualTo("0"));
        time.Advance(TimeSpan.FromSeconds(100));
        Assert.That(await c.CallAsync("SAVE"), Is.EqualTo("+OK\r\n"));
        string path = Path.Combine(c.Server.Options.Dir, "dump.rdb");
        Assert.That(File.Exists(path));
        Assert.That(Directory.GetFiles(c.Server.Options.Dir, "temp-*.rdb"), Is.Empty);
        Assert.That(await c.CallAsync("LASTSAVE"), Is.EqualTo(":1767225700\r\n"));
        info = await c.CallAsync("INFO", "persistence");
        Assert.That(Info(info, "rdb_changes_since_last_save"), Is.EqualTo("0"));
        Assert.That(Info(info, "rdb_saves"), Is.EqualTo("1"));
        Assert.That(Info(info, "rdb_last_save_time"), Is.EqualTo("1767225700"));

        Assert.That(await c.CallAsync("CONFIG", "SET", "dbfilename", "other.rdb"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config\r\n"), "protected in Redis 7.0");
    }

    [Test]
    public async Task BgSaveRunsInTheBackgroundAndReportsRedisReplies()
    {
        await using var c = new InMemoryClient();
        for (int i = 0; i < 100; i++) await c.CallAsync("SET", "k" + i, "v");
        Assert.That(await c.CallAsync("BGSAVE"), Is.EqualTo("+Background saving started\r\n"));
        RdbFile.WaitForBackground(c.Server);
        var info = await c.CallAsync("INFO", "persistence");
        Assert.That(Info(info, "rdb_bgsave_in_progress"), Is.EqualTo("0"));
        Assert.That(Info(info, "rdb_last_bgsave_status"), Is.EqualTo("ok"));
        Assert.That(Info(info, "rdb_last_bgsave_time_sec"), Is.EqualTo("0"));
        var loaded = InMemoryClient.NewServer();
        using (var file = File.OpenRead(Path.Combine(c.Server.Options.Dir, "dump.rdb"))) RdbLoader.Load(file, loaded);
        Assert.That(DatasetDescription.Of(loaded), Is.EqualTo(DatasetDescription.Of(c.Server)));

        Assert.That(await c.CallAsync("BGSAVE", "SCHEDULE", "x"), Is.EqualTo("-ERR syntax error\r\n"));
        await c.CallAsync("MULTI");
        await c.CallAsync("BGSAVE");
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*1\r\n+Background saving scheduled\r\n"));
        Assert.That(c.Server.Persistence.BackgroundSaveScheduled, Is.True);
    }

    [Test]
    public async Task AFailedBackgroundSaveRefusesWritesWithMisconf()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "a", "1");
        c.Server.Options.Dir = Path.Combine(c.Server.Options.Dir, "gone");   // as if the directory was removed
        Assert.That(await c.CallAsync("BGSAVE"), Is.EqualTo("+Background saving started\r\n"));
        RdbFile.WaitForBackground(c.Server);
        Assert.That(Info(await c.CallAsync("INFO", "persistence"), "rdb_last_bgsave_status"), Is.EqualTo("err"));
        const string misconf = "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.\r\n";
        Assert.That(await c.CallAsync("SET", "a", "2"), Is.EqualTo(misconf));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo(misconf), "Redis 7.0 refuses PING too");
        Assert.That(await c.CallAsync("GET", "a"), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("SAVE"), Is.EqualTo("-ERR\r\n"), "a failed SAVE is a bare ERR");
        await c.CallAsync("MULTI");
        Assert.That(await c.CallAsync("SET", "a", "3"), Is.EqualTo(misconf));
        Assert.That(await c.CallAsync("EXEC"), Does.StartWith("-EXECABORT"));

        Assert.That(await c.CallAsync("CONFIG", "SET", "stop-writes-on-bgsave-error", "no"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SET", "a", "4"), Is.EqualTo("+OK\r\n"));
        await c.CallAsync("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes");
        Assert.That(await c.CallAsync("SET", "a", "5"), Is.EqualTo(misconf));
        c.Server.Options.Dir = Path.GetDirectoryName(c.Server.Options.Dir)!;
        Assert.That(await c.CallAsync("SAVE"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SET", "a", "6"), Is.EqualTo("+OK\r\n"), "a successful save clears the error");
    }

    [Test]
    public async Task DirIsProtectedAndCheckedLikeChdir()
    {
        var options = new Config.ServerOptions { Port = 0, Dir = InMemoryClient.TempDir() };
        var server = new ServerState(options, settings: [new("enable-protected-configs", "yes")]);
        await using var c = new InMemoryClient(server);
        string root = options.Dir;
        string sub = Directory.CreateDirectory(Path.Combine(root, "sub")).FullName;
        File.WriteAllText(Path.Combine(root, "file"), "x");
        Assert.That(await c.CallAsync("CONFIG", "SET", "dir", "sub"), Is.EqualTo("+OK\r\n"), "relative to the current dir, as chdir");
        Assert.That(await c.CallAsync("CONFIG", "GET", "dir"), Is.EqualTo($"*2\r\n$3\r\ndir\r\n${sub.Length}\r\n{sub}\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "dir", "/nonexistent-fastnode"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "dir", Path.Combine(root, "file")),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'dir') - Not a directory\r\n"));
        await c.CallAsync("SET", "k", "v");
        Assert.That(await c.CallAsync("SAVE"), Is.EqualTo("+OK\r\n"));
        Assert.That(File.Exists(Path.Combine(sub, "dump.rdb")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "dbfilename", "../x.rdb"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "dbfilename", "other.rdb"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SAVE"), Is.EqualTo("+OK\r\n"));
        Assert.That(File.Exists(Path.Combine(sub, "other.rdb")));

        await using var locked = new InMemoryClient();
        Assert.That(await locked.CallAsync("CONFIG", "SET", "dir", "/tmp"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n"));
        Assert.That(await locked.CallAsync("CONFIG", "SET", "rdbchecksum", "no"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'rdbchecksum') - can't set immutable config\r\n"));
        Assert.That(await locked.CallAsync("CONFIG", "SET", "save", "0 0"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters\r\n"));
        Assert.That(await locked.CallAsync("CONFIG", "SET", "save", ""), Is.EqualTo("+OK\r\n"));
        Assert.That(await locked.CallAsync("CONFIG", "GET", "save"), Is.EqualTo("*2\r\n$4\r\nsave\r\n$0\r\n\r\n"));
        Assert.That(await locked.CallAsync("CONFIG", "SET", "shutdown-on-sigterm", "save nosave"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') - shutdown options SAVE and NOSAVE can't be used simultaneously\r\n"));
    }

    [Test]
    public async Task ShutdownSavesWhenRulesAreConfiguredAndNotWithNoSave()
    {
        var server = InMemoryClient.NewServer();
        int stops = 0;
        server.ShutdownHandler = () => stops++;
        await using (var c = new InMemoryClient(server))
        {
            await c.CallAsync("SET", "k", "v");
            await c.SendAsync(Resp.Command("SHUTDOWN"));
            Assert.That(await c.ReadToEndAsync(), Is.Empty);
        }
        Assert.That(stops, Is.EqualTo(1));
        Assert.That(File.Exists(server.Options.RdbPath), "default save rules: SHUTDOWN saves");

        var noRules = InMemoryClient.NewServer();
        noRules.Options.SaveRules = [];
        noRules.ShutdownHandler = () => stops++;
        await using (var c = new InMemoryClient(noRules))
        {
            await c.SendAsync(Resp.Command("SHUTDOWN"));
            await c.ReadToEndAsync();
        }
        Assert.That(File.Exists(noRules.Options.RdbPath), Is.False, "no rules, no SAVE flag: no save");
        await using (var c = new InMemoryClient(noRules))
        {
            await c.SendAsync(Resp.Command("SHUTDOWN", "SAVE"));
            await c.ReadToEndAsync();
        }
        Assert.That(File.Exists(noRules.Options.RdbPath), "SHUTDOWN SAVE saves");

        var failing = InMemoryClient.NewServer();
        failing.Options.Dir = Path.Combine(failing.Options.Dir, "gone");
        failing.ShutdownHandler = () => stops++;
        await using (var c = new InMemoryClient(failing))
        {
            Assert.That(await c.CallAsync("SHUTDOWN"), Is.EqualTo("-ERR Errors trying to SHUTDOWN. Check logs.\r\n"));
            await c.SendAsync(Resp.Command("SHUTDOWN", "FORCE"));
            Assert.That(await c.ReadToEndAsync(), Is.Empty, "FORCE shuts down although the save failed");
        }
        Assert.That(stops, Is.EqualTo(4));
    }
}
