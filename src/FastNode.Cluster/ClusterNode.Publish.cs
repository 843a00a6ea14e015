using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster;

/// <summary>
/// Messages the layer above sends through the bus and gets back from it: PUBLISH and SPUBLISH across nodes, as Redis
/// 7.0 broadcasts CLUSTERMSG_TYPE_PUBLISH to every node and CLUSTERMSG_TYPE_PUBLISHSHARD to the nodes of its shard.
/// Cluster thread only, like the rest of the node.
/// </summary>
public sealed partial class ClusterNode
{
    /// <summary>
    /// Called on the cluster thread for each Publish frame from a member this node knows (Redis ignores one from an
    /// unknown sender). The handler must only hand it off: fan-out to subscribers must not hold up the bus.
    /// </summary>
    public Action<PublishMessage>? PublishReceived { get; set; }

    /// <summary>
    /// Sends <paramref name="message"/> to every other member that is alive or only suspected (Redis's
    /// clusterBroadcastMessage skips failed nodes too). Encoded once. Returns how many frames were queued.
    /// </summary>
    public int SendToAll(IBusMessage message)
    {
        byte[]? frame = null;
        int sent = 0;
        foreach (var m in _membership.Members)
        {
            if (m.Id == Id || !m.IsProbeable) continue;
            SendEncoded(m, message, ref frame);
            sent++;
        }
        return sent;
    }

    /// <summary>
    /// Sends <paramref name="message"/> to the other nodes serving this node's slots: its primary (or itself) and
    /// that primary's replicas, as Redis's clusterGetNodesServingMySlots. Returns how many frames were queued.
    /// </summary>
    public int SendToShard(IBusMessage message)
    {
        var primary = Config.IsPrimary ? Id : Config.PrimaryId;
        if (primary.IsNone) return 0;
        byte[]? frame = null;
        int sent = 0;
        foreach (var m in _membership.Members)
        {
            if (m.Id == Id || !m.IsProbeable) continue;
            bool inShard = m.Id == primary ? m.Config.IsPrimary : m.Config.Role == NodeRole.Replica && m.Config.PrimaryId == primary;
            if (!inShard) continue;
            SendEncoded(m, message, ref frame);
            sent++;
        }
        return sent;
    }

    private void SendEncoded(Member to, IBusMessage message, ref byte[]? frame)
    {
        if (frame is null)
        {
            var header = new FrameHeader(message.Type, FrameFlags.None, _codec.ClusterId, Id, _currentEpoch, _digest,
                _replication.ReplicationOffset);
            frame = _codec.Encode(header, message);
        }
        Stats.Sent(message.Type, frame.Length);
        _transport.Send(to.Config.Address.Bus, frame);
    }

    private void OnPublish(NodeId sender, PublishMessage publish)
    {
        if (_membership.Find(sender) is not { State: not MemberState.Left }) return;
        PublishReceived?.Invoke(publish);
    }
}
