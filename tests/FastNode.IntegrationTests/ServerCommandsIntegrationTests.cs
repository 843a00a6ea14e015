using System.Net.Sockets;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>Connection and administration commands over a real socket, as StackExchange.Redis and raw clients use them.</summary>
public sealed class ServerCommandsIntegrationTests
{
    [Test]
    public async Task StackExchangeRedisConnectsWithDefaultOptions()
    {
        await using var server = TestServer.Start();
        // No AllowAdmin, no tuning: the handshake (CLIENT SETNAME/SETINFO/ID, CONFIG GET, INFO, CLUSTER NODES, ECHO) must pass.
        using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},connectTimeout=5000,syncTimeout=5000");
        Assert.That(mux.IsConnected, Is.True);
        var db = mux.GetDatabase();
        Assert.That(await db.StringSetAsync("k", "v"), Is.True);
        Assert.That((string?)await db.StringGetAsync("k"), Is.EqualTo("v"));
        var endpoint = mux.GetServer(server.EndPoint);
        Assert.That(endpoint.ServerType, Is.EqualTo(ServerType.Standalone));
        Assert.That(endpoint.Version, Is.EqualTo(new Version(7, 0, 15)));
        Assert.That(endpoint.DatabaseCount, Is.EqualTo(16));
        Assert.That(endpoint.IsReplica, Is.False);
    }

    [Test]
    public async Task StackExchangeRedisConnectsWithAPassword()
    {
        await using var server = TestServer.Start(o => o.RequirePass = "s3cret");
        using (var mux = server.ConnectMultiplexer("s3cret"))
        {
            var db = mux.GetDatabase();
            db.StringSet("k", "v");
            Assert.That((string?)db.StringGet("k"), Is.EqualTo("v"));
            Assert.That(db.Ping(), Is.LessThan(TimeSpan.FromSeconds(5)));
        }
        Assert.That(() => server.ConnectMultiplexer("wrong"), Throws.InstanceOf<RedisConnectionException>());
        using var raw = server.ConnectRaw();
        Assert.That(raw.Call("GET", "k"), Is.EqualTo("-NOAUTH Authentication required.\r\n"));
        Assert.That(raw.Call("AUTH", "s3cret"), Is.EqualTo("+OK\r\n"));
        Assert.That(raw.Call("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
    }

    [Test]
    public async Task AdminApiInfoConfigDatabaseSizeAndFlush()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var endpoint = mux.GetServer(server.EndPoint);
        var db = mux.GetDatabase();
        db.StringSet("a", "1");
        db.StringSet("b", "2", TimeSpan.FromMinutes(5));
        Assert.That(endpoint.DatabaseSize(), Is.EqualTo(2));

        var info = endpoint.Info();
        // StackExchange.Redis leaves out sections without lines (Modules).
        var sections = info.Select(g => g.Key).ToList();
        Assert.That(sections, Is.EqualTo(new[] { "Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Errorstats", "Cluster", "Keyspace" }));
        var serverSection = info.Single(g => g.Key == "Server").ToDictionary(p => p.Key, p => p.Value);
        Assert.That(serverSection["redis_version"], Is.EqualTo("7.0.15"));
        Assert.That(serverSection["tcp_port"], Is.EqualTo(server.Port.ToString()));
        Assert.That(info.Single(g => g.Key == "Keyspace").Single().Value, Is.EqualTo("keys=2,expires=1,avg_ttl=0"));
        Assert.That(endpoint.InfoRaw("replication"), Does.StartWith("# Replication\r\nrole:master\r\n"));

        var maxClients = endpoint.ConfigGet("maxclients");
        Assert.That(maxClients, Is.EqualTo(new[] { new KeyValuePair<string, string>("maxclients", "10000") }));
        Assert.That(endpoint.ConfigGet("*-max-listpack-*").Select(p => p.Key), Does.Contain("hash-max-listpack-entries"));
        endpoint.ConfigSet("timeout", "300");
        Assert.That(server.State.Options.Timeout, Is.EqualTo(300));
        Assert.That(() => endpoint.ConfigSet("databases", "2"), Throws.InstanceOf<RedisServerException>()
            .With.Message.EqualTo("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"));

        var time = endpoint.Time();
        Assert.That((time - DateTime.UtcNow).Duration(), Is.LessThan(TimeSpan.FromMinutes(1)));
        Assert.That(endpoint.Role(), Is.InstanceOf<Role.Master>());

        endpoint.FlushDatabase();
        Assert.That(endpoint.DatabaseSize(), Is.Zero);
        db.StringSet("c", "3");
        mux.GetDatabase(3).StringSet("d", "4");
        endpoint.FlushAllDatabases();
        Assert.That(endpoint.DatabaseSize(0) + endpoint.DatabaseSize(3), Is.Zero);
    }

    [Test]
    public async Task ClientListShowsNamedConnections()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        using var raw = server.ConnectRaw();
        Assert.That(raw.Call("CLIENT", "SETNAME", "raw-client"), Is.EqualTo("+OK\r\n"));
        var clients = mux.GetServer(server.EndPoint).ClientList();
        var named = clients.Single(c => c.Name == "raw-client");
        Assert.That(named.Database, Is.Zero);
        Assert.That(named.LastCommand, Is.EqualTo("client|setname"));
        Assert.That(clients.Select(c => c.Id), Is.Unique);
    }

    [Test]
    public async Task ClientKillOfAnotherConnectionClosesIt()
    {
        await using var server = TestServer.Start();
        using var victim = server.ConnectRaw();
        using var killer = server.ConnectRaw();
        string id = victim.Call("CLIENT", "ID")[1..^2];
        Assert.That(killer.Call("CLIENT", "KILL", "ID", id), Is.EqualTo(":1\r\n"));
        Assert.That(victim.IsClosedByServer(), Is.True);
        Assert.That(killer.Call("PING"), Is.EqualTo("+PONG\r\n"));

        using var other = server.ConnectRaw();
        other.Call("CLIENT", "SETNAME", "other");
        string line = killer.Call("CLIENT", "LIST", "ID", other.Call("CLIENT", "ID")[1..^2]);
        string address = line.Split(' ').Single(f => f.StartsWith("addr=", StringComparison.Ordinal))[5..];
        Assert.That(killer.Call("CLIENT", "KILL", address), Is.EqualTo("+OK\r\n"));
        Assert.That(other.IsClosedByServer(), Is.True);
    }

    [Test]
    public async Task Resp3InfoIsAVerbatimString()
    {
        await using var server = TestServer.Start();
        using var raw = server.ConnectRaw();
        Assert.That(raw.Call("HELLO", "3"), Does.StartWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"));
        Assert.That(raw.Call("INFO", "cluster"), Is.EqualTo("=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n"));
        Assert.That(raw.Call("CONFIG", "GET", "timeout"), Is.EqualTo("%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n"));
    }

    [Test]
    public async Task ShutdownClosesTheConnectionAndStopsListening()
    {
        await using var server = TestServer.Start();
        using var raw = server.ConnectRaw();
        raw.Send(Resp.Command("SHUTDOWN", "NOSAVE"));
        Assert.That(raw.ReadToEnd(), Is.Empty);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = server.ConnectRaw();
                probe.Call("PING");
            }
            catch (Exception ex) when (ex is SocketException or EndOfStreamException or IOException)
            {
                break;
            }
            if (DateTime.UtcNow > deadline) Assert.Fail("the server still accepts connections 10 s after SHUTDOWN");
            await Task.Delay(20);
        }
    }
}
