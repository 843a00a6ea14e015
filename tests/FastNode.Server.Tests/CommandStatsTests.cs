using System.Diagnostics;
using FastNode.Server.Commands;

namespace FastNode.Server.Tests;

/// <summary>The striped per-command counters: every call from every thread is counted once, and reset clears all stripes.</summary>
public sealed class CommandStatsTests
{
    [Test]
    public void CallsFromManyThreadsAddUpAcrossStripes()
    {
        var stats = new CommandStats();
        var threads = Enumerable.Range(0, 12).Select(t => new Thread(() =>
        {
            // Runs of 10 calls taking 10 µs together, one of them failed.
            for (int i = 0; i < 1_000; i++) stats.Record(10, 10 * Stopwatch.Frequency / 1_000_000, failed: 1);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(stats.Calls, Is.EqualTo(120_000));
        Assert.That(stats.FailedCalls, Is.EqualTo(12_000));
        Assert.That(stats.Microseconds, Is.EqualTo(120_000), "one microsecond per call, converted from ticks when read");
    }

    [Test]
    public void ResetClearsEveryStripe()
    {
        var stats = new CommandStats();
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() => stats.Record(1, 5, failed: 1))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(stats.Calls, Is.EqualTo(8));
        stats.Reset();
        Assert.That((stats.Calls, stats.FailedCalls, stats.Microseconds), Is.EqualTo((0L, 0L, 0L)));
    }
}
