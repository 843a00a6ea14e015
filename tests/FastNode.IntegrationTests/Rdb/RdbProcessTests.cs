using System.Security.Cryptography;
using System.Text;

namespace FastNode.IntegrationTests.Rdb;

/// <summary>The FastNode executable and its dump file: kill -9 mid-BGSAVE, save on SIGTERM, a corrupt file at start-up.</summary>
[NonParallelizable]
public sealed class RdbProcessTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("fastnode-rdb-process-").FullName;

    [TearDown]
    public void TearDown()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Pipelines SETs of <paramref name="count"/> keys with 1 KB values through one raw connection.</summary>
    private static void Fill(int port, string prefix, int count)
    {
        using var client = RawClient.Connect(port);
        var value = new string('v', 1024);
        const int batch = 1000;
        for (int start = 0; start < count; start += batch)
        {
            var sb = new StringBuilder();
            int n = Math.Min(batch, count - start);
            for (int i = 0; i < n; i++) sb.Append(Resp.CommandText("SET", prefix + (start + i), value + (start + i)));
            client.Send(sb.ToString());
            for (int i = 0; i < n; i++) Assert.That(client.ReadReply(), Is.EqualTo("+OK\r\n"));
        }
    }

    [Test]
    public void KillDuringBgsaveLeavesThePreviousDumpIntact()
    {
        int port = ChildProcess.FreePort();
        using var server = ChildProcess.StartFastNode(port, _dir, "--save \"\"");
        server.WaitUntilReady(port);
        Fill(port, "a", 20_000);
        using (var client = RawClient.Connect(port)) Assert.That(client.Call("SAVE"), Is.EqualTo("+OK\r\n"));
        string dump = Path.Combine(_dir, "dump.rdb");
        byte[] before = SHA256.HashData(File.ReadAllBytes(dump));
        Fill(port, "b", 150_000);

        // Start background saves until one is caught writing its temp file, then kill -9 at that moment.
        string temp = Path.Combine(_dir, $"temp-{server.Id}.rdb");
        bool caught = false;
        using (var client = RawClient.Connect(port))
        {
            for (int attempt = 0; attempt < 20 && !caught; attempt++)
            {
                Assert.That(client.Call("BGSAVE"), Is.EqualTo("+Background saving started\r\n").Or.EqualTo("-ERR Background save already in progress\r\n"));
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (DateTime.UtcNow < deadline)
                {
                    if (File.Exists(temp) && new FileInfo(temp).Length > 0)
                    {
                        server.KillHard();
                        caught = true;
                        break;
                    }
                    if (!SaveInProgress(client)) break;
                }
                if (!caught && !SHA256.HashData(File.ReadAllBytes(dump)).SequenceEqual(before))
                {
                    // The save won the race and completed: that file is now the previous dump; try again.
                    before = SHA256.HashData(File.ReadAllBytes(dump));
                }
            }
        }
        Assert.That(caught, Is.True, "never saw a background save in progress");
        Assert.That(server.HasExited, Is.True);
        Assert.That(SHA256.HashData(File.ReadAllBytes(dump)), Is.EqualTo(before), "the previous dump is untouched");

        // And it still loads.
        int port2 = ChildProcess.FreePort();
        using var restarted = ChildProcess.StartFastNode(port2, _dir, "--save \"\"");
        restarted.WaitUntilReady(port2);
        using var check = RawClient.Connect(port2);
        Assert.That(check.Call("DBSIZE"), Is.EqualTo(":20000\r\n").Or.EqualTo(":170000\r\n"));
    }

    private static bool SaveInProgress(RawClient client) =>
        client.Call("INFO", "persistence").Contains("rdb_bgsave_in_progress:1", StringComparison.Ordinal);

    [Test]
    public void SigtermSavesWhenSaveRulesAreConfigured()
    {
        int port = ChildProcess.FreePort();
        using (var server = ChildProcess.StartFastNode(port, _dir))
        {
            server.WaitUntilReady(port);
            using (var client = RawClient.Connect(port)) Assert.That(client.Call("SET", "k", "v"), Is.EqualTo("+OK\r\n"));
            using (var kill = System.Diagnostics.Process.Start("kill", $"-TERM {server.Id}")!) kill.WaitForExit();
            Assert.That(server.WaitForExit(30_000), Is.True);
            Assert.That(server.ExitCode, Is.EqualTo(0), server.Output);
            Assert.That(server.Output, Does.Contain("Saving the final RDB snapshot before exiting."));
        }
        Assert.That(File.Exists(Path.Combine(_dir, "dump.rdb")));

        int port2 = ChildProcess.FreePort();
        using (var server = ChildProcess.StartFastNode(port2, _dir, "--shutdown-on-sigterm nosave"))
        {
            server.WaitUntilReady(port2);
            using (var client = RawClient.Connect(port2))
            {
                Assert.That(client.Call("GET", "k"), Is.EqualTo("$1\r\nv\r\n"), "loaded at start-up");
                Assert.That(client.Call("SET", "k", "changed"), Is.EqualTo("+OK\r\n"));
            }
            using (var kill = System.Diagnostics.Process.Start("kill", $"-TERM {server.Id}")!) kill.WaitForExit();
            Assert.That(server.WaitForExit(30_000), Is.True);
            Assert.That(server.Output, Does.Not.Contain("Saving the final RDB snapshot"));
        }
        int port3 = ChildProcess.FreePort();
        using var third = ChildProcess.StartFastNode(port3, _dir, "--save \"\"");
        third.WaitUntilReady(port3);
        using var c3 = RawClient.Connect(port3);
        Assert.That(c3.Call("GET", "k"), Is.EqualTo("$1\r\nv\r\n"), "shutdown-on-sigterm nosave did not save");
    }

    [Test]
    public void ACorruptDumpStopsStartUpWithOneClearLine()
    {
        File.WriteAllBytes(Path.Combine(_dir, "dump.rdb"), "REDIS0010\xfa"u8.ToArray());
        int port = ChildProcess.FreePort();
        using var server = ChildProcess.StartFastNode(port, _dir);
        Assert.That(server.WaitForExit(30_000), Is.True);
        Assert.That(server.ExitCode, Is.Not.EqualTo(0));
        Assert.That(server.Output, Does.Contain("Fatal error loading the DB").And.Contain("at byte offset"));
        Assert.That(server.Output, Does.Not.Contain("   at "), "no stack trace");
    }
}
