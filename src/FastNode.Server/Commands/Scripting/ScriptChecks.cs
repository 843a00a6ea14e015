using FastNode.Protocol;
using FastNode.Server.Scripting;

namespace FastNode.Server.Commands.Scripting;

/// <summary>
/// What Redis 7.0 checks before a script or function starts (scriptPrepareForRun), from its flags: a script that may
/// write is refused on a read-only replica; in cluster mode its declared keys must be in one slot served here.
/// </summary>
internal static class ScriptChecks
{
    public static string? Refuse(ref CommandContext ctx, ScriptFlags flags, CommandArgs keys, bool readOnly, out int declaredSlot)
    {
        declaredSlot = -1;
        bool mayWrite = (flags & (ScriptFlags.NoWrites | ScriptFlags.NoShebang)) == 0 && !readOnly;
        var server = ctx.Server;
        if (mayWrite && !ctx.Session.IsMasterLink && server.Replication.IsReplica && server.Options.ReplicaReadOnly)
            return "READONLY You can't write against a read only replica.";
        if (server.Cluster is { } cluster)
        {
            if ((flags & ScriptFlags.NoCluster) != 0) return "ERR Can not run script on cluster, 'no-cluster' flag is set.";
            return Commands.ScriptSlots.CheckDeclared(cluster, ctx.Session, keys, flags, mayWrite, server.Options.ClusterAllowReadsWhenDown, out declaredSlot);
        }
        return null;
    }
}
