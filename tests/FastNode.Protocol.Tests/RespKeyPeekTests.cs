using System.Text;

namespace FastNode.Protocol.Tests;

/// <summary>The look-ahead used to warm upcoming lookups: walks whole requests, gives up on anything else, never throws.</summary>
public sealed class RespKeyPeekTests
{
    private static byte[] Command(params string[] args) =>
        Encoding.UTF8.GetBytes($"*{args.Length}\r\n" + string.Concat(args.Select(a => $"${Encoding.UTF8.GetByteCount(a)}\r\n{a}\r\n")));

    private static List<string> Keys(byte[] input)
    {
        var keys = new List<string>();
        int offset = 0;
        while (RespKeyPeek.TryNext(input.AsSpan(offset), out int consumed, out var key))
        {
            offset += consumed;
            keys.Add(Encoding.UTF8.GetString(key));
        }
        return keys;
    }

    [Test]
    public void WalksAPipelineGivingEachRequestsSecondArgument()
    {
        var input = Command("GET", "a").Concat(Command("PING")).Concat(Command("SET", "key:2", "v\r\nx"))
            .Concat(Command("MSET", "k1", "1", "k2", "2")).ToArray();
        Assert.That(Keys(input), Is.EqualTo(new[] { "a", "", "key:2", "k1" }));
    }

    [Test]
    public void ConsumedIsExactlyOneRequest()
    {
        var one = Command("GET", "a");
        Assert.That(RespKeyPeek.TryNext(one.Concat(one).ToArray(), out int consumed, out _), Is.True);
        Assert.That(consumed, Is.EqualTo(one.Length));
    }

    [TestCase("GET a\r\n", Description = "inline")]
    [TestCase("*2\r\n$3\r\nGET\r\n$5\r\nab", Description = "cut inside the key")]
    [TestCase("*2\r\n$3\r\nGET\r\n", Description = "cut before an argument")]
    [TestCase("*2\r\n$-1\r\n", Description = "negative length")]
    [TestCase("*0\r\n", Description = "empty array")]
    [TestCase("*x\r\n", Description = "not a number")]
    [TestCase("*2\r\n:3\r\nGET\r\n", Description = "not a bulk")]
    [TestCase("", Description = "nothing")]
    public void GivesUpOnAnythingButAWholeMultibulkRequest(string text)
    {
        Assert.That(RespKeyPeek.TryNext(Encoding.ASCII.GetBytes(text), out int consumed, out _), Is.False);
        Assert.That(consumed, Is.Zero);
    }

    [Test]
    public void RandomBytesNeverThrowOrOverrun()
    {
        var random = new Random(11);
        var alphabet = "*$\r\n0123456789-abc"u8.ToArray();
        for (int run = 0; run < 20000; run++)
        {
            var input = new byte[random.Next(0, 40)];
            for (int i = 0; i < input.Length; i++) input[i] = alphabet[random.Next(alphabet.Length)];
            if (RespKeyPeek.TryNext(input, out int consumed, out var key))
            {
                Assert.That(consumed, Is.InRange(1, input.Length));
                Assert.That(key.Length, Is.LessThanOrEqualTo(consumed));
            }
        }
    }
}
