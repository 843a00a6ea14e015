using FastNode.Server.Network.Epoll;

namespace FastNode.Server.Tests;

/// <summary>The epoll loop's busy-poll window: grows while work comes back soon, shrinks to nothing when it does not.</summary>
public sealed class SpinWindowTests
{
    private const long Max = 800;

    [Test]
    public void WorkComingBackSoonAfterASleepGrowsTheWindowUpToTheLimit()
    {
        var window = new SpinWindow();
        Assert.That(window.Ticks, Is.Zero, "no polling before the loop has seen any traffic");
        window.AfterSleep(sleptTicks: 100, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max / 4));
        window.AfterSleep(sleptTicks: 100, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max / 2));
        window.AfterSleep(sleptTicks: 100, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max));
        window.AfterSleep(sleptTicks: 0, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max), "never above the limit");
    }

    [Test]
    public void LongSleepsHalveTheWindowAndThenTurnPollingOff()
    {
        var window = new SpinWindow();
        for (int i = 0; i < 3; i++) window.AfterSleep(sleptTicks: 1, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max));
        window.AfterSleep(sleptTicks: 10 * Max, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max / 2));
        window.AfterSleep(sleptTicks: 10 * Max, Max);
        window.AfterSleep(sleptTicks: 10 * Max, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max / 8));
        window.AfterSleep(sleptTicks: 10 * Max, Max);
        Assert.That(window.Ticks, Is.Zero, "below an eighth of the limit polling stops");
        window.AfterSleep(sleptTicks: 10 * Max, Max);
        Assert.That(window.Ticks, Is.Zero);
    }

    [Test]
    public void WhatCountsIsHowLongTheLoopSleptAfterPolling()
    {
        var window = new SpinWindow();
        window.AfterSleep(sleptTicks: 1, Max);
        window.AfterSleep(sleptTicks: 1, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max / 2));
        window.AfterSleep(sleptTicks: Max, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max), "a sleep up to the limit: a longer poll would have caught the work");
        window.AfterSleep(sleptTicks: Max + 1, Max);
        Assert.That(window.Ticks, Is.EqualTo(Max / 2), "a sleep past the limit: polling longer would not have paid");
    }

    [Test]
    public void ALowerLimitCutsTheWindowAtOnce()
    {
        var window = new SpinWindow();
        for (int i = 0; i < 3; i++) window.AfterSleep(sleptTicks: 1, Max);
        window.Limit(100);
        Assert.That(window.Ticks, Is.EqualTo(100));
        window.Limit(Max);
        Assert.That(window.Ticks, Is.EqualTo(100), "a higher limit is reached by growing, not at once");
    }
}
