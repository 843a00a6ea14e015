using FastNode.Protocol;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// CLUSTER subcommands, READONLY and READWRITE as a Redis started without cluster-enabled answers them: every one
/// but CLUSTER HELP replies that cluster support is disabled.
/// </summary>
public static class ClusterCommands
{
    public static void Disabled(ref CommandContext ctx) => ctx.Writer.WriteError(RespErrors.ClusterDisabled);

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "CLUSTER",
    [
        "INFO", "    Report the state of the cluster.",
        "NODES", "    Describe the cluster nodes.",
        "SLOTS", "    Map hash slots to nodes.",
        "SHARDS", "    Describe the cluster shards.",
        "MYID", "    Return the id of this node.",
        "KEYSLOT <key>", "    Return the hash slot of a key.",
        "NOTE", "    Cluster support is disabled: every subcommand but HELP answers an error.",
    ]);
}
