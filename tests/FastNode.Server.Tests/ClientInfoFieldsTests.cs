using System.Text.RegularExpressions;

namespace FastNode.Server.Tests;

/// <summary>
/// CLIENT LIST / CLIENT INFO values that need no socket: multi-mem counted as Redis counts it, the asking client's
/// argv-mem, the MONITOR flag, and tot-mem covering what a client holds (ClientListDifferentialTests compares the
/// rest with redis-server over real sockets).
/// </summary>
public sealed class ClientInfoFieldsTests
{
    [Test]
    public async Task MultiMemCountsQueuedArgumentsAndArgvMemTheRunningCommand()
    {
        var server = InMemoryClient.NewServer();
        await using var asking = new InMemoryClient(server);
        await using var queued = new InMemoryClient(server);
        string id = queued.Session.Id.ToString();
        Assert.That(await queued.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));   // its loop has registered it
        Assert.That(Field(await asking.CallAsync("CLIENT", "LIST", "ID", id), "multi-mem"), Is.EqualTo("0"));
        await queued.CallAsync("MULTI");
        Assert.That(await queued.CallAsync("SET", "key", "value"), Is.EqualTo("+QUEUED\r\n"));
        // Redis 7.0: the arguments' bytes plus one 8-byte pointer each (3 + 3 + 5 + 3 * 8).
        Assert.That(Field(await asking.CallAsync("CLIENT", "LIST", "ID", id), "multi-mem"), Is.EqualTo("35"));
        Assert.That(await queued.CallAsync("SET", "key2", "value2xx"), Is.EqualTo("+QUEUED\r\n"));
        string line = await asking.CallAsync("CLIENT", "LIST", "ID", id);
        Assert.That(Field(line, "multi"), Is.EqualTo("2"));
        Assert.That(Field(line, "multi-mem"), Is.EqualTo("74"));
        Assert.That(Field(line, "argv-mem"), Is.EqualTo("0"), "a client between commands holds no arguments");
        Assert.That(long.Parse(Field(line, "tot-mem")), Is.GreaterThanOrEqualTo(74));
        await queued.CallAsync("EXEC");
        Assert.That(Field(await asking.CallAsync("CLIENT", "LIST", "ID", id), "multi-mem"), Is.EqualTo("0"));

        // The asking client's own command: "client" + "info" (and + "list" + "id" + the id for CLIENT LIST ID).
        Assert.That(Field(await asking.CallAsync("CLIENT", "INFO"), "argv-mem"), Is.EqualTo("10"));
        string self = asking.Session.Id.ToString();
        Assert.That(Field(await asking.CallAsync("CLIENT", "LIST", "ID", self), "argv-mem"), Is.EqualTo((6 + 4 + 2 + self.Length).ToString()));
    }

    [Test]
    public async Task MonitorClientsAreFlaggedO()
    {
        var server = InMemoryClient.NewServer();
        await using var asking = new InMemoryClient(server);
        await using var monitor = new InMemoryClient(server);
        Assert.That(await monitor.CallAsync("MONITOR"), Is.EqualTo("+OK\r\n"));
        string line = await asking.CallAsync("CLIENT", "LIST", "ID", monitor.Session.Id.ToString());
        Assert.That(Field(line, "flags"), Is.EqualTo("O"));
        Assert.That(Field(line, "cmd"), Is.EqualTo("monitor"));
    }

    [Test]
    public async Task FdIsMinusOneWithoutASocketAndUserIsDefault()
    {
        await using var c = new InMemoryClient();
        string line = await c.CallAsync("CLIENT", "INFO");
        Assert.That(Field(line, "fd"), Is.EqualTo("-1"));
        Assert.That(Field(line, "user"), Is.EqualTo("default"));
        Assert.That(Field(line, "events"), Is.EqualTo("r"));
    }

    private static string Field(string reply, string name)
    {
        var match = Regex.Match(ConnectionCommandsTests.BulkText(reply), $@"(?:^| ){Regex.Escape(name)}=(\S*)");
        Assert.That(match.Success, Is.True, $"{name} in {reply}");
        return match.Groups[1].Value;
    }
}
