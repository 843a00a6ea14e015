namespace FastNode.Cluster;

public sealed partial class ClusterNode
{
    // Bounded: a host that never drains it (the simulator) keeps only the latest few.
    private const int EventLogCapacity = 64;

    private readonly Queue<string> _events = new();

    /// <summary>
    /// Takes the next rare event worth a log line (votes granted or denied, manual failover steps), worded as Redis
    /// logs them. The server drains this on the cluster thread.
    /// </summary>
    public bool TryTakeEvent(out string text) => _events.TryDequeue(out text!);

    private void Note(string text)
    {
        if (_events.Count == EventLogCapacity) _events.Dequeue();
        _events.Enqueue(text);
    }
}
