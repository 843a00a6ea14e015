namespace FastNode.Server.Config;

/// <summary>
/// One CONFIG parameter. <see cref="Set"/> returns null on success or the reason Redis would give
/// (e.g. "argument couldn't be parsed into an integer"). Immutable settings load from the command line or file only;
/// protected ones too (Redis refuses them at run time unless enable-protected-configs, which FastNode does not offer).
/// </summary>
public sealed record ConfigSetting(string Name, Func<string> Get, Func<string, string?> Set, bool Immutable = false)
{
    public bool Protected { get; init; }

    /// <summary>
    /// Redis's apply function: run once after every value of a CONFIG SET is in place (settings sharing it are applied
    /// together); returns null or the reason the whole CONFIG SET is refused and undone.
    /// </summary>
    public Func<string?>? Apply { get; init; }
}
