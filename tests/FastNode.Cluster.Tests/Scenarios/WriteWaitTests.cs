using FastNode.Cluster.Failover;
using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Tests.Simulation;
using FastNode.Cluster.Tests.Wire;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Scenarios;

/// <summary>
/// The promoted replica's wait before its first write: each vote says how long ago the voter last granted the old
/// primary a lease, and the winner waits only until the latest of those grants has run out (docs/cluster.md,
/// "Write lease"). A crashed primary's last grants are node-timeout old, so its replica writes at once.
/// </summary>
public class WriteWaitTests
{
    private static int NodeTimeout => SimSetup.DefaultOptions.NodeTimeoutMs;
    private static int LeaseWindow => SimSetup.DefaultOptions.EffectiveLeaseWindowMs;

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void ReplicaOfACrashedPrimaryWritesWithoutWaitingAWindow(int seed)
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = seed });
        sim.RunFor(5_000);
        var victim = sim.Hosts[0];
        int slot = victim.Node.Config.Slots.Slots().First();
        sim.Crash(victim);
        long crashAt = sim.Now;

        long promoted = -1;
        long took = sim.RunUntil(() =>
        {
            if (promoted < 0 && sim.Running.Any(h => h.Node.Config.IsPrimary && h.Node.Config.Slots.Contains(slot))) promoted = sim.Now;
            return sim.Running.Any(h => h.Node.CanWrite(slot));
        }, 30_000, sim.CheckSingleWriter, 50);
        TestContext.Out.WriteLine($"promoted +{promoted - crashAt} ms, writable +{took} ms");
        Assert.That(took, Is.GreaterThan(0));
        var winner = sim.Running.Single(h => h.Node.CanWrite(slot));
        Assert.That(winner.Node.WriteWaitRemainingMs, Is.Zero);
        // Only the lease renewal after the promotion (a tick and a round trip) separates the two, not a window.
        Assert.That(sim.Now - promoted, Is.LessThan(LeaseWindow / 2));
        Assert.That(took, Is.LessThan(NodeTimeout + LeaseWindow));
        Assert.That(sim.WriteConflicts, Is.Zero, string.Join("; ", sim.ConflictLog));
    }

    [Test]
    public void AVoteWithoutAGrantAgeCountsAsAGrantJustNow()
    {
        var codec = new BusFrameCodec(BusFrameCodec.ClusterIdOf("test"));
        var old = new EpochOnlyAck(9);
        byte[] frame = codec.Encode(WireSamples.Header(old, codec.ClusterId), old);
        Assert.That(codec.TryDecode(frame, out var decoded), Is.EqualTo(FrameRejection.None));
        Assert.That(decoded!.Message, Is.EqualTo(new FailoverAuthAckMessage(9, 0)));
    }

    [Test]
    public void TheWinnerWaitsForTheLatestGrantAmongItsVoters()
    {
        var election = new ReplicaElection();
        election.Schedule(NodeId.NewRandom(new Random(1)), 0, 0, 0, 0, 0, new Random(1));
        election.VotesRequested(5);
        election.AddVote(NodeId.NewRandom(new Random(2)), 5, leaseEndsBy: 1_000);
        election.AddVote(NodeId.NewRandom(new Random(3)), 5, leaseEndsBy: 4_000);
        election.AddVote(NodeId.NewRandom(new Random(4)), 4, leaseEndsBy: 9_000);   // an older epoch's vote counts for nothing
        Assert.That(election.Votes, Is.EqualTo(2));
        Assert.That(election.OldLeaseEndsBy, Is.EqualTo(4_000));
    }

    /// <summary>A FailoverAuthAck as encoded before the grant age was added: the epoch alone.</summary>
    private sealed record EpochOnlyAck(long Epoch) : IBusMessage
    {
        public MessageType Type => MessageType.FailoverAuthAck;

        public void Write(WireWriter writer) => writer.I64(Epoch);
    }
}
