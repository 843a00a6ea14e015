namespace FastNode.Cluster.Tests.Simulation;

/// <summary>A clock that moves only when the simulator says so, in whole milliseconds. Shared by every node.</summary>
public sealed class SimClock : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public long NowMs { get; private set; }

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => NowMs;

    public override DateTimeOffset GetUtcNow() => Start.AddMilliseconds(NowMs);

    public void AdvanceTo(long ms)
    {
        if (ms < NowMs) throw new InvalidOperationException("time does not go backwards");
        NowMs = ms;
    }
}
