using FastNode.Server.Config;

namespace FastNode.Server.Tests;

/// <summary>CONFIG REWRITE: the file keeps its comments, order and unknown lines, and ends up saying what is in force.</summary>
public sealed class ConfigRewriteTests
{
    private static readonly ConfigRegistry Names = new(new ServerOptions());

    private static List<string> Rewrite(string[] old, params ConfigRewriter.Current[] settings) =>
        ConfigRewriter.Rewrite(old, settings, Names.OwnName);

    [Test]
    public void KnownLinesGetTheirValueInPlaceAndEverythingElseStays()
    {
        var lines = Rewrite(
            ["# my server", "port 7000", "", "Timeout 10", "timeout 20", "some-unknown-directive x", "slaveof 10.0.0.1 6379"],
            new("port", "7000", false), new("timeout", "33", false), new("replicaof", "10.0.0.2 6380", false));
        Assert.That(lines, Is.EqualTo(new[]
        {
            "# my server", "port 7000", "", "timeout 33", "some-unknown-directive x", "replicaof 10.0.0.2 6380",
        }), "a second timeout line is dropped; the alias line keeps its place under the setting's own name");
    }

    [Test]
    public void MissingSettingsAreAppendedOnlyWhenNotDefaultAndUnderOneHeader()
    {
        var first = Rewrite(["port 7000"], new("port", "7000", false), new("timeout", "33", false), new("hz", "10", true));
        Assert.That(first, Is.EqualTo(new[] { "port 7000", "", ConfigRewriter.GeneratedHeader, "timeout 33" }));
        var second = Rewrite([.. first], new("port", "7000", false), new("timeout", "33", false), new("maxclients", "5", false));
        Assert.That(second, Is.EqualTo(new[] { "port 7000", "", ConfigRewriter.GeneratedHeader, "timeout 33", "maxclients 5" }));
    }

    [Test]
    public void ReplicaofGoesWhenThisServerIsAPrimaryAndEmptyValuesAreQuoted()
    {
        var lines = Rewrite(["replicaof 10.0.0.1 6379", "save 3600 1"], new("replicaof", "", true), new("save", "", false));
        Assert.That(lines, Is.EqualTo(new[] { "save \"\"" }));
    }

    [Test]
    public async Task ConfigRewriteWritesTheFileTheServerStartedFromAndItLoadsBack()
    {
        string path = Path.Combine(InMemoryClient.TempDir(), "fastnode.conf");
        File.WriteAllLines(path, ["# test", "maxclients 500"]);
        var options = new ServerOptions { ConfigFile = path };
        await using var client = new InMemoryClient(InMemoryClient.NewServer(options));
        Assert.That(await client.CallAsync("CONFIG", "SET", "timeout", "33", "maxclients", "600"), Is.EqualTo("+OK\r\n"));
        Assert.That(await client.CallAsync("CONFIG", "REWRITE"), Is.EqualTo("+OK\r\n"));
        Assert.That(File.ReadAllLines(path), Does.Contain("maxclients 600").And.Contain("timeout 33").And.Contain("# test"));

        var reloaded = new ServerOptions();
        var registry = new ConfigRegistry(reloaded);
        foreach (var (name, value) in ConfigLoader.ParseFile(path)) Assert.That(registry.Load(name, value), Is.Null, name);
        Assert.That((reloaded.Timeout, reloaded.MaxClients), Is.EqualTo((33, 600)));
    }

    [Test]
    public async Task WithoutAConfigFileRewriteIsRefusedAsInRedis()
    {
        await using var client = new InMemoryClient();
        Assert.That(await client.CallAsync("CONFIG", "REWRITE"), Is.EqualTo("-ERR The server is running without a config file\r\n"));
    }
}
