using System.Text;
using FastNode.Server.Persistence.Replication;

namespace FastNode.Server.Tests.Replication;

public sealed class BacklogRingTests
{
    private static byte[] Bytes(string s) => Encoding.ASCII.GetBytes(s);

    [Test]
    public void StartsEmptyAtTheGivenOffset()
    {
        var ring = new BacklogRing(16, 100);
        Assert.That(ring.FirstByteOffset, Is.EqualTo(101));
        Assert.That(ring.HistLen, Is.EqualTo(0));
        Assert.That(ring.TryCopyFrom(101, out var none), Is.True);
        Assert.That(none, Is.Empty);
        Assert.That(ring.TryCopyFrom(100, out _), Is.False);
        Assert.That(ring.TryCopyFrom(102, out _), Is.False);
    }

    [Test]
    public void KeepsTheNewestBytesAcrossWrapArounds()
    {
        var ring = new BacklogRing(16, 0);
        var all = new StringBuilder();
        var random = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            string chunk = new string((char)('a' + i % 26), random.Next(0, 7));
            ring.Write(Bytes(chunk));
            all.Append(chunk);
            long end = all.Length;
            Assert.That(ring.EndOffset, Is.EqualTo(end));
            Assert.That(ring.HistLen, Is.EqualTo(Math.Min(16, end)));
            Assert.That(ring.FirstByteOffset, Is.EqualTo(end - ring.HistLen + 1));
            for (long from = ring.FirstByteOffset; from <= end + 1; from++)
            {
                Assert.That(ring.TryCopyFrom(from, out var tail), Is.True);
                Assert.That(Encoding.ASCII.GetString(tail), Is.EqualTo(all.ToString((int)from - 1, (int)(end - from + 1))));
            }
            Assert.That(ring.TryCopyFrom(ring.FirstByteOffset - 1, out _), Is.False);
        }
    }

    [Test]
    public void AWriteLargerThanTheRingKeepsItsEnd()
    {
        var ring = new BacklogRing(16, 0);
        ring.Write(Bytes("0123456789abcdefXYZ"));
        Assert.That(ring.HistLen, Is.EqualTo(16));
        Assert.That(ring.FirstByteOffset, Is.EqualTo(4));
        Assert.That(ring.TryCopyFrom(4, out var tail), Is.True);
        Assert.That(Encoding.ASCII.GetString(tail), Is.EqualTo("3456789abcdefXYZ"));
    }

    [Test]
    public void ResizeKeepsTheNewestHistoryThatFits()
    {
        var ring = new BacklogRing(32, 0);
        ring.Write(Bytes("0123456789abcdefghij"));
        ring.Resize(16);
        Assert.That(ring.HistLen, Is.EqualTo(16));
        Assert.That(ring.TryCopyFrom(5, out var tail), Is.True);
        Assert.That(Encoding.ASCII.GetString(tail), Is.EqualTo("456789abcdefghij"));
        ring.Write(Bytes("KL"));
        Assert.That(ring.TryCopyFrom(7, out tail), Is.True);
        Assert.That(Encoding.ASCII.GetString(tail), Is.EqualTo("6789abcdefghijKL"));
    }

    [Test]
    public void ResetStartsANewHistory()
    {
        var ring = new BacklogRing(16, 0);
        ring.Write(Bytes("abc"));
        ring.Reset(1000);
        Assert.That(ring.FirstByteOffset, Is.EqualTo(1001));
        Assert.That(ring.HistLen, Is.EqualTo(0));
        ring.Write(Bytes("xy"));
        Assert.That(ring.TryCopyFrom(1001, out var tail), Is.True);
        Assert.That(Encoding.ASCII.GetString(tail), Is.EqualTo("xy"));
    }
}
