using FastNode.Cluster;
using FastNode.Cluster.Nodes;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Cluster;

/// <summary>CLUSTER RESET (the node is replaced by a fresh one on the cluster thread), and how nodes.conf is written.</summary>
public sealed partial class ClusterHost
{
    /// <summary>
    /// CLUSTER RESET: a new <see cref="ClusterNode"/> that knows no other node, claims no slot and is a primary. SOFT
    /// keeps the node id and the epochs; HARD takes a new id and starts the epochs at 0 (Redis's clusterReset). The
    /// caller has checked that a primary holds no keys. nodes.conf is rewritten before this returns.
    /// </summary>
    public void Reset(bool hard) => Invoke(old =>
    {
        var id = hard ? NodeId.NewRandom(_random) : old.Id;
        var config = NodeConfig.NewPrimary(old.Config.Address, shardId: id) with { ConfigEpoch = hard ? 0 : old.Config.ConfigEpoch };
        var fresh = new ClusterNode(id, config, _clusterOptions, _transport, TimeProvider.System, _random);
        if (!hard) fresh.RestoreEpochs(old.CurrentEpoch, old.LastVoteEpoch);
        _node = fresh;
        _savedVersion = -1;
        _log.LogInformation("CLUSTER RESET {Kind}: node {Id}", hard ? "HARD" : "SOFT", id);
        return true;
    });

    // The epochs of the last save that reached the disk (currentEpoch, lastVoteEpoch, my configEpoch).
    private (long, long, long) _durableEpochs = (-1, -1, -1);

    /// <summary>
    /// Replaces nodes.conf (temp file and rename, so a reader never sees half a file). As Redis does, only a change of
    /// epochs is fsynced: an epoch must never go back after a crash (votes, claims), while slot and migration changes
    /// (SETSLOT runs several per slot in a reshard) are cheap to redo and are re-learned from the cluster.
    /// Cluster thread (or start-up, before it runs).
    /// </summary>
    private void WriteConfig(byte[] bytes)
    {
        var epochs = (_node.CurrentEpoch, _node.LastVoteEpoch, _node.Config.ConfigEpoch);
        string temp = ConfigPath + ".tmp-" + Environment.ProcessId;
        if (epochs != _durableEpochs)
        {
            Persistence.FileSync.ReplaceAtomically(ConfigPath, temp, s => s.Write(bytes));
            _durableEpochs = epochs;
            return;
        }
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, ConfigPath, overwrite: true);
    }
}
