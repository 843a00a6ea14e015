using FastNode.Cluster.Wire;

namespace FastNode.Cluster.State;

/// <summary>Bus counters of one node, for INFO-style reporting and the simulator's figures.</summary>
public sealed class ClusterStats
{
    private readonly long[] _sentByType = new long[256];
    private readonly long[] _receivedByType = new long[256];
    private readonly long[] _rejected = new long[Enum.GetValues<FrameRejection>().Length];

    public long FramesSent { get; private set; }
    public long BytesSent { get; private set; }
    public long FramesReceived { get; private set; }
    public long StateSyncsStarted { get; internal set; }
    public long ElectionsStarted { get; internal set; }
    public long ElectionsWon { get; internal set; }

    /// <summary>Slots taken over from failed primaries with no replica left (cluster-auto-placement).</summary>
    public long SlotsAdopted { get; internal set; }
    public long LeasePings { get; internal set; }

    public long SentOf(MessageType type) => _sentByType[(int)type];

    /// <summary>Frames of this type received and accepted (CLUSTER INFO's per-type counters).</summary>
    public long ReceivedOf(MessageType type) => _receivedByType[(int)type];

    public long Rejected(FrameRejection why) => _rejected[(int)why];

    public long RejectedTotal => _rejected.Sum();

    internal void Sent(MessageType type, int bytes)
    {
        FramesSent++;
        BytesSent += bytes;
        _sentByType[(byte)type]++;
    }

    internal void Received(MessageType type)
    {
        FramesReceived++;
        _receivedByType[(byte)type]++;
    }

    internal void Reject(FrameRejection why) => _rejected[(int)why]++;
}
