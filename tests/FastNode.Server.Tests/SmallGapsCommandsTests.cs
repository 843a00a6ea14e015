namespace FastNode.Server.Tests;

/// <summary>LOLWUT, MEMORY DOCTOR and RESET's effect on CLIENT TRACKING, READONLY and the database (issue 20's smaller gaps).</summary>
public sealed class SmallGapsCommandsTests
{
    [Test]
    public async Task LolwutAnswersTheVersionAndDrawsVersionsFiveAndSix()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("LOLWUT"), Is.EqualTo("$18\r\nRedis ver. 7.0.15\n\r\n"));
        Assert.That(await c.CallAsync("LOLWUT", "VERSION", "7"), Is.EqualTo("$18\r\nRedis ver. 7.0.15\n\r\n"));
        string squares = ConnectionCommandsTests.BulkText(await c.CallAsync("LOLWUT", "VERSION", "5", "20", "4", "3"));
        Assert.That(squares, Does.EndWith("Redis ver. 7.0.15\n"));
        Assert.That(squares.Split('\n')[0], Has.Length.EqualTo(20), "20 braille columns");
        Assert.That(squares.Any(ch => ch > '\u2800' && ch <= '\u28ff'), Is.True, "some dots are drawn");
        string skyline = ConnectionCommandsTests.BulkText(await c.CallAsync("LOLWUT", "VERSION", "6", "10", "3"));
        Assert.That(skyline.Split('\n').Take(3).All(line => line.Split("\u001b[0m").Length == 11), Is.True, "3 rows of 10 coloured cells");
        Assert.That(await c.CallAsync("LOLWUT", "VERSION", "x"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("LOLWUT", "VERSION", "5", "wide"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(ConnectionCommandsTests.BulkText(await c.CallAsync("LOLWUT", "VERSION", "5", "100000", "100000", "100000")),
            Does.EndWith("Redis ver. 7.0.15\n"), "sizes are clamped");
    }

    [Test]
    public async Task MemoryDoctorWritesALetter()
    {
        await using var c = new InMemoryClient();
        Assert.That(ConnectionCommandsTests.BulkText(await c.CallAsync("MEMORY", "DOCTOR")), Does.StartWith("Hi Sam, this instance holds too little data"));
        for (int i = 0; i < 8; i++) await c.CallAsync("SET", "big" + i, new string('x', 1024 * 1024));
        Assert.That(ConnectionCommandsTests.BulkText(await c.CallAsync("MEMORY", "DOCTOR")), Does.StartWith("Hi Sam").Or.StartWith("Sam, I found"));
    }

    [Test]
    public async Task ResetTurnsTrackingOffAndClearsReadonly()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p");
        await c.CallAsync("SELECT", "3");
        c.Session.ClusterReadOnly = true;
        Assert.That(c.Server.Tracking.ClientCount, Is.EqualTo(1));
        Assert.That(await c.CallAsync("RESET"), Is.EqualTo("+RESET\r\n"));
        Assert.That(c.Server.Tracking.ClientCount, Is.Zero);
        Assert.That(c.Server.Tracking.Prefixes.Count, Is.Zero);
        Assert.That(c.Session.ClusterReadOnly, Is.False);
        Assert.That(c.Session.DbIndex, Is.Zero);
        Assert.That(await c.CallAsync("CLIENT", "GETREDIR"), Is.EqualTo(":-1\r\n"));
    }
}
