namespace FastNode.Server.Commands.Server.Docs;

/// <summary>
/// Docs of FastNode's own commands (rate limiting, locks). Commands without an entry here still appear in
/// COMMAND DOCS with arguments derived from their arity and key positions; an entry gives redis-cli exact hints.
/// </summary>
public static class FastNodeDocs
{
    public static readonly CommandDoc[] All = [];
}
