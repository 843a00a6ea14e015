namespace FastNode.IntegrationTests;

/// <summary>The Node.js client scripts under tests/clients, whose packages scripts/test.sh installs with npm ci.</summary>
internal static class ClientScripts
{
    /// <summary>
    /// tests/clients/<paramref name="client"/> of this checkout; fails the test with the install command when its
    /// node_modules are missing, rather than passing without having run.
    /// </summary>
    public static string Directory(string client)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FastNode.sln"))) dir = dir.Parent;
        Assert.That(dir, Is.Not.Null, "the checkout's root (FastNode.sln) above " + AppContext.BaseDirectory);
        string path = Path.Combine(dir!.FullName, "tests", "clients", client);
        Assert.That(System.IO.Directory.Exists(Path.Combine(path, "node_modules", client)), Is.True,
            $"{client} is not installed: run `npm ci --prefix {path}` (scripts/test.sh does)");
        return path;
    }
}
