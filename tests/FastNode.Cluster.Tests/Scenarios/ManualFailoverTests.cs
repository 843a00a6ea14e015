using FastNode.Cluster.Failover;
using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Tests.Simulation;

namespace FastNode.Cluster.Tests.Scenarios;

/// <summary>
/// CLUSTER FAILOVER on the simulator: the coordinated one waits for the replica to reach the paused primary's offset,
/// FORCE votes without the handshake, TAKEOVER needs no votes; never two writers for a slot, and the old primary ends
/// up a replica of the winner.
/// </summary>
public class ManualFailoverTests
{
    // Host 0 is a primary and host 3 its replica (SimCluster orders primaries first, then their replicas).
    private static (SimCluster Sim, SimHost Primary, SimHost Replica, PausableReplication PrimaryRepl, PausableReplication ReplicaRepl) Start(int seed)
    {
        var replications = new Dictionary<int, PausableReplication>();
        var sim = new SimCluster(new SimSetup
        {
            Primaries = 3, Seed = seed,
            Replication = i => replications[i] = new PausableReplication(i == 0 ? 1000 : i == 3 ? 900 : 0),
        });
        sim.RunFor(3_000, sim.CheckSingleWriter, 50);
        var primary = sim.Hosts[0];
        var replica = sim.Hosts[3];
        Assert.That(replica.Node.Config.PrimaryId, Is.EqualTo(primary.Id));
        return (sim, primary, replica, replications[0], replications[3]);
    }

    private static void NoConflicts(SimCluster sim) =>
        Assert.That(sim.WriteConflicts, Is.Zero, string.Join("; ", sim.ConflictLog));

    private static void AssertRolesSwapped(SimCluster sim, SimHost oldPrimary, SimHost winner, int slot)
    {
        long took = sim.RunUntil(() => oldPrimary.Node.Config.Role == NodeRole.Replica && winner.Node.CanWrite(slot) && sim.Converged(),
            20_000, sim.CheckSingleWriter, 50);
        Assert.That(took, Is.GreaterThanOrEqualTo(0), "roles did not swap");
        Assert.That(oldPrimary.Node.Config.PrimaryId, Is.EqualTo(winner.Id));
        Assert.That(winner.Node.Config.Slots.Contains(slot), Is.True);
        NoConflicts(sim);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void CoordinatedFailoverWaitsUntilTheReplicaHasThePrimarysLastWrite(int seed)
    {
        var (sim, primary, replica, primaryRepl, replicaRepl) = Start(seed);
        int slot = primary.Node.Config.Slots.Slots().First();
        Assert.That(replica.Node.StartManualFailover(ManualFailoverMode.Coordinated), Is.Null);
        sim.RunFor(1_500, sim.CheckSingleWriter, 50);
        // The primary holds its writes; the replica, still behind, does not stand yet.
        Assert.That(primaryRepl.Pauses, Is.EqualTo(1));
        Assert.That(replica.Node.Config.Role, Is.EqualTo(NodeRole.Replica));
        Assert.That(replica.Node.Stats.ElectionsStarted, Is.Zero);
        Assert.That(replica.Node.ManualFailoverInProgress, Is.True);

        replicaRepl.ReplicationOffset = 1000;
        long promoted = sim.RunUntil(() => replica.Node.Config.IsPrimary, 3_000, sim.CheckSingleWriter, 50);
        Assert.That(promoted, Is.GreaterThanOrEqualTo(0), "the replica was not promoted once it caught up");
        // The voters granted the old primary a lease moments ago: the winner waits for it before writing.
        Assert.That(replica.Node.CanWrite(slot), Is.False);
        AssertRolesSwapped(sim, primary, replica, slot);
        Assert.That(primaryRepl.Resumes, Is.EqualTo(1), "the old primary let its held writes go");
        Assert.That(replica.Node.ManualFailoverInProgress, Is.False);
    }

    [Test]
    public void CoordinatedFailoverRepeatsARequestTheBusDropped()
    {
        var (sim, primary, replica, primaryRepl, replicaRepl) = Start(3);
        int slot = primary.Node.Config.Slots.Slots().First();
        replicaRepl.ReplicationOffset = 1000;
        sim.Network.Conditions = new NetworkConditions(LossRate: 1.0);
        Assert.That(replica.Node.StartManualFailover(ManualFailoverMode.Coordinated), Is.Null);
        sim.RunFor(100);
        Assert.That(primaryRepl.Pauses, Is.Zero, "the request got through");
        sim.Network.Conditions = NetworkConditions.Perfect;

        long promoted = sim.RunUntil(() => replica.Node.Config.IsPrimary, 4_000, sim.CheckSingleWriter, 50);
        Assert.That(promoted, Is.GreaterThanOrEqualTo(0), "the repeated request did not reach the primary in time");
        Assert.That(primaryRepl.Pauses, Is.EqualTo(1), "a repeated request paused the primary again");
        AssertRolesSwapped(sim, primary, replica, slot);
    }

    [Test]
    public void CoordinatedFailoverGivesUpWhenTheReplicaNeverCatchesUp()
    {
        var (sim, primary, replica, primaryRepl, _) = Start(3);
        Assert.That(replica.Node.StartManualFailover(ManualFailoverMode.Coordinated), Is.Null);
        sim.RunFor(ClusterNode.ManualFailoverTimeoutMs + 1_000, sim.CheckSingleWriter, 50);
        Assert.Multiple(() =>
        {
            Assert.That(replica.Node.Config.Role, Is.EqualTo(NodeRole.Replica));
            Assert.That(replica.Node.ManualFailoverInProgress, Is.False);
            Assert.That(replica.Node.ManualFailoversTimedOut, Is.EqualTo(1));
            Assert.That(replica.Node.Stats.ElectionsStarted, Is.Zero);
            Assert.That(primary.Node.Config.IsPrimary, Is.True);
            Assert.That(primaryRepl.Pauses, Is.EqualTo(1));
            Assert.That(primaryRepl.Resumes, Is.EqualTo(1), "the primary let its writes go at the timeout");
            Assert.That(primary.Node.HoldingWritesForFailover, Is.False);
        });
        NoConflicts(sim);
    }

    [TestCase(4)]
    [TestCase(5)]
    public void ForceVotesWithoutTheHandshakeAndNeverMakesTwoWriters(int seed)
    {
        var (sim, primary, replica, primaryRepl, _) = Start(seed);
        int slot = primary.Node.Config.Slots.Slots().First();
        Assert.That(replica.Node.StartManualFailover(ManualFailoverMode.Force), Is.Null);
        long promoted = sim.RunUntil(() => replica.Node.Config.IsPrimary, 3_000, sim.CheckSingleWriter, 5);
        Assert.That(promoted, Is.GreaterThanOrEqualTo(0));
        Assert.That(primaryRepl.Pauses, Is.Zero, "FORCE does not ask the primary");
        Assert.That(replica.Node.Stats.ElectionsStarted, Is.EqualTo(1));
        Assert.That(replica.Node.WriteWaitRemainingMs, Is.GreaterThan(0), "the old primary held a lease until the vote");
        AssertRolesSwapped(sim, primary, replica, slot);
    }

    [Test]
    public void TakeoverClaimsTheSlotsWithoutAnElection()
    {
        var (sim, primary, replica, _, _) = Start(6);
        int slot = primary.Node.Config.Slots.Slots().First();
        long highest = sim.Hosts.Max(h => h.Node.CurrentEpoch);
        Assert.That(replica.Node.StartManualFailover(ManualFailoverMode.Takeover), Is.Null);
        Assert.That(replica.Node.Config.IsPrimary, Is.True);
        Assert.That(replica.Node.Config.ConfigEpoch, Is.GreaterThan(highest));
        Assert.That(replica.Node.Stats.ElectionsStarted, Is.Zero);
        AssertRolesSwapped(sim, primary, replica, slot);
    }

    [Test]
    public void RefusedOnAPrimaryAndWithoutFORCEWhenThePrimaryFailed()
    {
        var (sim, primary, replica, _, _) = Start(7);
        Assert.That(primary.Node.StartManualFailover(ManualFailoverMode.Coordinated), Is.EqualTo("ERR You should send CLUSTER FAILOVER to a replica"));
        replica.Node.SetNoFailover(true);   // keep the automatic election out of the way
        sim.Crash(primary);
        sim.RunUntil(() => replica.Node.Membership.Find(primary.Id)?.State == MemberState.Dead, 30_000);
        Assert.That(replica.Node.StartManualFailover(ManualFailoverMode.Coordinated),
            Is.EqualTo("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE"));
        // FORCE works even with nofailover set, as in Redis (it only stops the automatic election).
        Assert.That(replica.Node.StartManualFailover(ManualFailoverMode.Force), Is.Null);
        sim.RunUntil(() => replica.Node.Config.IsPrimary, 5_000, sim.CheckSingleWriter, 50);
        Assert.That(replica.Node.Config.IsPrimary, Is.True);
        NoConflicts(sim);
    }

    [Test]
    public void ASinglePrimarysVoteIsEnoughForItsReplica()
    {
        // One primary: the replica's quorum is one vote, and only the primary itself can give it (as in Redis).
        var replications = new Dictionary<int, PausableReplication>();
        var sim = new SimCluster(new SimSetup
        {
            Primaries = 1, Seed = 8,
            Replication = i => replications[i] = new PausableReplication(i == 0 ? 1000 : 1000),
        });
        sim.RunFor(3_000, sim.CheckSingleWriter, 50);
        var (primary, replica) = (sim.Hosts[0], sim.Hosts[1]);
        Assert.That(primary.Node.CanWrite(0), Is.True);
        Assert.That(replica.Node.StartManualFailover(ManualFailoverMode.Coordinated), Is.Null);
        long promoted = sim.RunUntil(() => replica.Node.Config.IsPrimary, 4_000, sim.CheckSingleWriter, 5);
        Assert.That(promoted, Is.GreaterThanOrEqualTo(0), "the primary's vote did not count");
        Assert.That(primary.Node.CanWrite(0), Is.False, "the primary stopped writing when it voted");
        AssertRolesSwapped(sim, primary, replica, 0);
    }

    [TestCase(9)]
    [TestCase(10)]
    public void TheOldPrimarysVoteMakesTheQuorumWhenAnotherPrimaryIsDown(int seed)
    {
        var (sim, primary, replica, _, replicaRepl) = Start(seed);
        int slot = primary.Node.Config.Slots.Slots().First();
        // Primary 2 and its replica are down: of three voters only the old primary and primary 1 can vote.
        sim.Crash(sim.Hosts[2]);
        sim.Crash(sim.Hosts[5]);
        sim.RunFor(1_000, sim.CheckSingleWriter, 50);
        replicaRepl.ReplicationOffset = 1000;
        Assert.That(replica.Node.StartManualFailover(ManualFailoverMode.Coordinated), Is.Null);
        long promoted = sim.RunUntil(() => replica.Node.Config.IsPrimary, 4_000, sim.CheckSingleWriter, 5);
        Assert.That(promoted, Is.GreaterThanOrEqualTo(0), "two votes of three needed the old primary's");
        long took = sim.RunUntil(() => primary.Node.Config.Role == NodeRole.Replica && replica.Node.CanWrite(slot), 20_000, sim.CheckSingleWriter, 5);
        Assert.That(took, Is.GreaterThanOrEqualTo(0), "roles did not swap");
        NoConflicts(sim);
    }
}
