namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the scripting group.</summary>
public static class ScriptingDocs
{
    private const string KeysAndArgs = "numkeys=i [key ...] [arg ...]";

    public static readonly CommandDoc[] All =
    [
        new("EVAL", "2.6.0", "Depends on the script that is executed.", "Runs a Lua script.", "script " + KeysAndArgs),
        new("EVAL_RO", "7.0.0", "Depends on the script that is executed.", "Runs a read-only Lua script.", "script " + KeysAndArgs),
        new("EVALSHA", "2.6.0", "Depends on the script that is executed.", "Runs a cached Lua script by its SHA1 digest.", "sha1 " + KeysAndArgs),
        new("EVALSHA_RO", "7.0.0", "Depends on the script that is executed.", "Runs a cached read-only Lua script by its SHA1 digest.", "sha1 " + KeysAndArgs),
        new("FCALL", "7.0.0", "Depends on the function that is executed.", "Calls a function.", "function " + KeysAndArgs),
        new("FCALL_RO", "7.0.0", "Depends on the function that is executed.", "Calls a read-only function.", "function " + KeysAndArgs),
        new("SCRIPT", "2.6.0", "Depends on subcommand.", "Container for the script cache commands.", ""),
        new("SCRIPT EXISTS", "2.6.0", "O(N) with N being the number of scripts to check", "Tells which scripts are cached.", "sha1 ...")
            { Tips = "request_policy:all_shards response_policy:agg_logical_and" },
        new("SCRIPT FLUSH", "2.6.0", "O(N) with N being the number of scripts in cache", "Empties the script cache.", "[ASYNC|SYNC]")
            { Tips = "request_policy:all_nodes response_policy:all_succeeded" },
        new("SCRIPT HELP", "5.0.0", "O(1)", "Lists the SCRIPT subcommands.", ""),
        new("SCRIPT KILL", "2.6.0", "O(1)", "Stops the running script.", "")
            { Tips = "request_policy:all_shards response_policy:one_succeeded" },
        new("SCRIPT LOAD", "2.6.0", "O(N) with N being the length in bytes of the script body.", "Caches a script without running it.", "script")
            { Tips = "request_policy:all_nodes response_policy:all_succeeded" },
    ];
}
