using System.Text.RegularExpressions;

namespace FastNode.Server.Tests;

/// <summary>
/// The one write path (issue 13, part 1), checked on the source: command handlers and the other server code reach
/// stored data only through the store API (KeyHandle, Database, MultiShardLock, ShardPairLock), never through a
/// shard, an entry or a string's slab; and Storage is a leaf that knows nothing of the server, RESP or persistence.
/// Persistence (snapshots, RDB encoding) is the one consumer allowed below the API: it serialises entries as stored.
/// </summary>
public sealed class StoreBoundaryTests
{
    private static readonly string ServerSource = Path.Combine(RepositoryRoot(), "src", "FastNode.Server");

    // Storage internals that only Storage (and Persistence's encoders) may name: the type names (not a member that
    // happens to share one, like a pub/sub message's Shard flag), and the calls that reach inside a shard.
    private static readonly Regex StorageInternals = new(@"(?<!\.)\b(Shard|Entry|StringValue|StringSlabs|TypedKeys)\b|\.ShardFor\(|\.ShardAt\(|\.Lock\.Enter|lock \(\w*[sS]hard|[sS]hard\w*\.(At|Find\w*|Add\w*|Remove\w*|SetExpireAt)\(",
        RegexOptions.Compiled);

    // What a leaf must not reach back into.
    private static readonly Regex ServerSide = new(
        @"\b(ServerState|RespWriter|CommandContext|ClientSession)\b|FastNode\.Server\.(Persistence|Blocking|Commands|Network|Sessions|Hosting)\b|Microsoft\.Extensions\.Logging",
        RegexOptions.Compiled);

    [Test]
    public void OnlyStorageAndPersistenceNameStorageInternals()
    {
        Assert.That(SourceFiles().Count(), Is.GreaterThan(100), "the server's source files were found");
        var offenders = new List<string>();
        foreach (var file in SourceFiles())
        {
            string relative = Path.GetRelativePath(ServerSource, file).Replace('\\', '/');
            if (relative.StartsWith("Storage/") || relative.StartsWith("Persistence/")) continue;
            offenders.AddRange(Matches(file, relative, StorageInternals));
        }
        Assert.That(offenders, Is.Empty, "code outside Storage that bypasses the store API");
    }

    [Test]
    public void StorageIsALeaf()
    {
        var offenders = new List<string>();
        foreach (var file in SourceFiles())
        {
            string relative = Path.GetRelativePath(ServerSource, file).Replace('\\', '/');
            if (relative.StartsWith("Storage/")) offenders.AddRange(Matches(file, relative, ServerSide));
        }
        Assert.That(offenders, Is.Empty, "Storage code that reaches back into the server");
    }

    /// <summary>The check itself can fail: it finds a shard lock taken by hand in a made-up handler line.</summary>
    [Test]
    public void ThePatternsCatchWhatTheyAreFor()
    {
        Assert.That(StorageInternals.IsMatch("        lock (shard.Lock)"), Is.True);
        Assert.That(StorageInternals.IsMatch("        ref var e = ref shard.At(i);"), Is.True);
        Assert.That(StorageInternals.IsMatch("        var s = ctx.Db.ShardFor(hash);"), Is.True);
        Assert.That(StorageInternals.IsMatch("        using var k = ctx.Open(key, Lookup.Read);"), Is.False);
        Assert.That(StorageInternals.IsMatch("        Shard shard = db.Something();"), Is.True);
        Assert.That(StorageInternals.IsMatch("        Deliver(message.Channel, message.Shard);"), Is.False);
        Assert.That(ServerSide.IsMatch("using FastNode.Server.Persistence;"), Is.True);
        Assert.That(ServerSide.IsMatch("    public void WriteReply(ref RespWriter writer)"), Is.True);
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(ServerSource, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    /// <summary>Matching lines of code (comments left out), as "file:line: text".</summary>
    private static IEnumerable<string> Matches(string file, string relative, Regex pattern)
    {
        var lines = File.ReadAllLines(file);
        for (int i = 0; i < lines.Length; i++)
        {
            string code = lines[i].Trim();
            if (code.StartsWith("//")) continue;
            int comment = code.IndexOf("//", StringComparison.Ordinal);
            if (comment >= 0) code = code[..comment];
            if (pattern.IsMatch(code)) yield return $"{relative}:{i + 1}: {code}";
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FastNode.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("FastNode.sln not found above " + AppContext.BaseDirectory);
    }
}
