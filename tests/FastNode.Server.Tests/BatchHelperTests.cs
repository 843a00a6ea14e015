using System.Buffers;
using System.Text;
using FastNode.Server.Config;
using FastNode.Server.Network;

namespace FastNode.Server.Tests;

/// <summary>
/// The pipeline helper: which reads count as deep batches, that it takes one connection at a time, that a claimed
/// continuation really moves to its thread, and that a connection's deep batch handed to it is answered in order.
/// </summary>
public sealed class BatchHelperTests
{
    private static ReadOnlySequence<byte> Requests(int count, Func<int, string[]> command)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < count; i++) bytes.AddRange(Resp.Command(command(i)));
        return new ReadOnlySequence<byte>(bytes.ToArray());
    }

    [Test]
    public void SixtyFourSmallSetsAreDeep() =>
        Assert.That(BatchHelper.IsDeep(Requests(64, i => ["SET", "key:" + i.ToString("D12"), "xxx"])), Is.True);

    [Test]
    public void SixteenSmallSetsAreNot() =>
        Assert.That(BatchHelper.IsDeep(Requests(16, i => ["SET", "key:" + i.ToString("D12"), "xxx"])), Is.False);

    [Test]
    public void SixteenKilobyteSetsAreNotThoughTheReadIsLarge()
    {
        var batch = Requests(16, i => ["SET", "k" + i, new string('v', 1024)]);
        Assert.That(batch.Length, Is.GreaterThan(16_000));
        Assert.That(BatchHelper.IsDeep(batch), Is.False);
    }

    [Test]
    public void SixtyFourKilobyteSetsAre() =>
        Assert.That(BatchHelper.IsDeep(Requests(64, i => ["SET", "k" + i, new string('v', 1024)])), Is.True);

    [Test]
    public void InlineCommandsAreNeverDeep() =>
        Assert.That(BatchHelper.IsDeep(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("GET somekey\r\n", 200))))), Is.False);

    [Test]
    public void AFirstRequestCutByTheReadIsNotDeep() =>
        Assert.That(BatchHelper.IsDeep(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5000\r\n" + new string('v', 2000)))), Is.False);

    [Test]
    public async Task AClaimedContinuationRunsOnTheHelperThreadAndFreesItAfter()
    {
        var helper = new BatchHelper("test helper");
        Assert.That(helper.TryClaim(), Is.True);
        Assert.That(helper.TryClaim(), Is.False, "one connection at a time");

        var ranOn = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task OnHelper()
        {
            await helper.SwitchTo();
            ranOn.SetResult(Thread.CurrentThread.Name);
        }
        _ = OnHelper();
        Assert.That(await ranOn.Task.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo("test helper"));

        // Free once the continuation has run to its end (bounded wait: the helper releases right after).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        bool claimed;
        while (!(claimed = helper.TryClaim()) && DateTime.UtcNow < deadline) await Task.Delay(1);
        Assert.That(claimed, Is.True);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task DeepBatchesAreAnsweredInOrderWithOrWithoutTheHelper(bool enabled)
    {
        var server = InMemoryClient.NewServer(new ServerOptions { Port = 0, PipelineHelper = enabled });
        await using var c = new InMemoryClient(server);
        for (int round = 0; round < 20; round++)
        {
            var request = new StringBuilder();
            for (int i = 0; i < 100; i++) request.Append(Resp.CommandText("SET", $"k{i}", $"r{round}v{i}"));
            for (int i = 0; i < 100; i++) request.Append(Resp.CommandText("GET", $"k{i}"));
            await c.SendAsync(request.ToString());
            for (int i = 0; i < 100; i++) Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+OK\r\n"));
            for (int i = 0; i < 100; i++)
            {
                string value = $"r{round}v{i}";
                Assert.That(await c.ReadReplyAsync(), Is.EqualTo($"${value.Length}\r\n{value}\r\n"), $"round {round}, GET {i}");
            }
        }
        long handedOff = Interlocked.Read(ref server.Stats.HandedOffReads);
        if (enabled) Assert.That(handedOff, Is.GreaterThan(0));
        else Assert.That(handedOff, Is.Zero);
    }
}
