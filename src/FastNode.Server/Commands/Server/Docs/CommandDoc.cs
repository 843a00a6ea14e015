namespace FastNode.Server.Commands.Server.Docs;

/// <summary>
/// Documentation and metadata of one command (or "PARENT SUB" subcommand) beyond what the command table holds:
/// what COMMAND DOCS reports (summary, since, complexity, argument syntax) and the parts of COMMAND INFO that Redis
/// declares by hand (extra ACL categories, tips, key-spec flags). Summaries are FastNode's own wording.
/// </summary>
/// <param name="Syntax">The arguments in <see cref="SyntaxParser"/> notation, e.g. "key value [NX|XX] [EX seconds=i]".</param>
public sealed record CommandDoc(string Name, string Since, string Complexity, string Summary, string Syntax)
{
    /// <summary>ACL categories Redis declares beyond those implied by the flags and group, e.g. "@dangerous".</summary>
    public string? Acl { get; init; }

    /// <summary>Command tips, space-separated, e.g. "nondeterministic_output request_policy:all_shards".</summary>
    public string? Tips { get; init; }

    /// <summary>Key-spec flags, e.g. "OW update"; derived from read/write flags when absent.</summary>
    public string? KeyFlags { get; init; }

    /// <summary>"config|get" for "CONFIG GET", "get" for "GET": the key COMMAND replies use.</summary>
    public string FullName { get; } = Name.ToLowerInvariant().Replace(' ', '|');
}
