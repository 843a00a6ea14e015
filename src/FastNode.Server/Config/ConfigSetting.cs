namespace FastNode.Server.Config;

/// <summary>
/// One CONFIG parameter. <see cref="Set"/> returns null on success or the reason Redis would give
/// (e.g. "argument couldn't be parsed into an integer"). Immutable settings load from the command line or file only;
/// protected ones too (Redis refuses them at run time unless enable-protected-configs, which FastNode does not offer).
/// </summary>
public sealed record ConfigSetting(string Name, Func<string> Get, Func<string, string?> Set, bool Immutable = false)
{
    public bool Protected { get; init; }
}
