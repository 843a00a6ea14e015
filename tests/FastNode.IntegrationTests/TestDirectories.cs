namespace FastNode.IntegrationTests;

/// <summary>
/// Temp directories for tests that do not delete their own (a server process's working directory, a MIGRATE target):
/// all under one root per test run, which <see cref="AssemblySetup"/> deletes when the run ends.
/// </summary>
public static class TestDirectories
{
    private static readonly Lazy<string> s_root = new(() => Directory.CreateTempSubdirectory("fastnode-it-run-").FullName);

    public static string Create(string prefix) =>
        Directory.CreateDirectory(Path.Combine(s_root.Value, prefix + Guid.NewGuid().ToString("N")[..8])).FullName;

    /// <summary>Deletes the run's root, if any directory was made (called once, after the last test).</summary>
    public static void DeleteAll()
    {
        if (!s_root.IsValueCreated) return;
        try
        {
            Directory.Delete(s_root.Value, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its test still holds a file: the directory stays, as any temp file would.
        }
    }
}
