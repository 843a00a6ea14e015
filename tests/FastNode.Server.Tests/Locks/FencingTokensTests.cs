using FastNode.Server.Commands.Locks.Replication;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Tests.Locks;

/// <summary>
/// The token layout <c>(epoch &lt;&lt; 48) | counter</c> and its rules (docs/locks.md "Replication and fencing"): tokens only
/// increase, a new epoch beats any counter of an older one, loading a token raises both parts, and nothing wraps; plus
/// the majority arithmetic of lock-replication.
/// </summary>
public sealed class FencingTokensTests
{
    [Test]
    public void TokensCarryTheEpochInBits48To62AndTheCounterBelow()
    {
        var tokens = new FencingTokens(3);
        Assert.That(tokens.Next(), Is.EqualTo((3L << 48) | 1));
        Assert.That(tokens.Next(), Is.EqualTo((3L << 48) | 2));
        Assert.That(tokens.Epoch, Is.EqualTo(3));
        Assert.That(tokens.Last, Is.EqualTo((3L << 48) | 2));
    }

    [Test]
    public void ANewEpochIssuesLargerTokensThanAnyCounterOfTheOldOne()
    {
        var tokens = new FencingTokens(1);
        tokens.RaiseTo((1L << 48) | (FencingTokens.CounterMask - 5));
        long old = tokens.Next();
        Assert.That(tokens.BeginNextEpoch(), Is.True);
        long next = tokens.Next();
        Assert.That(next, Is.EqualTo((2L << 48) | 1));
        Assert.That(next, Is.GreaterThan(old));
    }

    [Test]
    public void LoadingATokenRaisesTheEpochAndTheCounterButNeverLowersThem()
    {
        var tokens = new FencingTokens(0);
        tokens.RaiseTo((4L << 48) | 100);
        Assert.That(tokens.Epoch, Is.EqualTo(4));
        Assert.That(tokens.Next(), Is.EqualTo((4L << 48) | 101));
        tokens.RaiseTo((2L << 48) | 5000);
        tokens.RaiseEpoch(1);
        Assert.That(tokens.Next(), Is.EqualTo((4L << 48) | 102));
    }

    [Test]
    public void AFullCounterRefusesInsteadOfCarryingIntoTheEpoch()
    {
        var tokens = new FencingTokens(7);
        tokens.RaiseTo((7L << 48) | FencingTokens.CounterMask);
        Assert.That(tokens.Next(), Is.EqualTo(0));
        Assert.That(tokens.Epoch, Is.EqualTo(7));
        Assert.That(tokens.BeginNextEpoch(), Is.True);
        Assert.That(tokens.Next(), Is.EqualTo((8L << 48) | 1));
    }

    [Test]
    public void TheLastEpochIsNeverPassedTokensAreRefusedInsteadOfWrapping()
    {
        var tokens = new FencingTokens(FencingTokens.MaxEpoch);
        long last = tokens.Next();
        Assert.That(last, Is.GreaterThan(0), "the largest epoch still gives positive tokens");
        Assert.That(tokens.BeginNextEpoch(), Is.False);
        Assert.That(tokens.EpochExhausted, Is.True);
        Assert.That(tokens.Next(), Is.EqualTo(0));
        Assert.That(tokens.Epoch, Is.EqualTo(FencingTokens.MaxEpoch));
    }

    [Test]
    public void ConcurrentGrantsAndEpochChangesNeverRepeatOrGoBackwards()
    {
        var tokens = new FencingTokens(1);
        var seen = new long[4][];
        var threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                var mine = seen[id] = new long[20_000];
                for (int i = 0; i < mine.Length; i++)
                {
                    if (id == 0 && i % 5000 == 0) tokens.BeginNextEpoch();
                    mine[i] = tokens.Next();
                }
            });
            threads[t].Start();
        }
        foreach (var thread in threads) thread.Join();
        var all = seen.SelectMany(s => s).ToArray();
        Assert.That(all.Distinct().Count(), Is.EqualTo(all.Length), "no token twice");
        foreach (var mine in seen) Assert.That(mine, Is.Ordered.Ascending, "each thread sees increasing tokens");
    }

    [TestCase(0, 0)]
    [TestCase(1, 1)]
    [TestCase(2, 1)]
    [TestCase(3, 2)]
    [TestCase(4, 2)]
    [TestCase(6, 3)]
    public void AMajorityOfThePrimaryAndItsListedReplicasNeedsThisManyReplicaAcks(int listed, int acks)
    {
        Assert.That(LockReplication.RequiredAcks(listed), Is.EqualTo(acks));
        int copies = 1 + listed;
        Assert.That(1 + acks, Is.GreaterThan(copies / 2.0), "the primary and the acks are more than half of the copies");
        if (acks > 0) Assert.That(acks, Is.LessThanOrEqualTo(copies / 2.0), "one ack fewer would not be");
    }
}
