namespace FastNode.Server.Commands.Server.Docs;

/// <summary>
/// One argument in COMMAND DOCS, shaped as Redis 7.0 reports it: redis-cli 7 builds its interactive hints from these
/// (type, token, optional/multiple flags, nested arguments), so the tree must be well formed: every node has a type.
/// </summary>
public sealed class ArgSpec
{
    public required string Name { get; set; }

    /// <summary>key, string, integer, double, pattern, unix-time, pure-token, oneof or block.</summary>
    public required string Type { get; init; }

    /// <summary>The literal keyword that introduces the argument (EX in "EX seconds"), or the whole of a pure-token.</summary>
    public string? Token { get; set; }

    public bool Optional { get; set; }
    public bool Multiple { get; set; }

    /// <summary>The token repeats with each value ("PREFIX a PREFIX b").</summary>
    public bool MultipleToken { get; set; }

    /// <summary>Children of a oneof or block.</summary>
    public ArgSpec[]? Arguments { get; init; }
}
