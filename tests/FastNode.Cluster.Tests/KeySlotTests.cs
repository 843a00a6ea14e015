using System.Text;
using FastNode.Cluster.Routing;
using FsCheck;

namespace FastNode.Cluster.Tests;

[TestFixture]
public sealed class KeySlotTests
{
    private static int Slot(string key) => KeySlot.Of(Encoding.UTF8.GetBytes(key));

    [Test]
    public void SlotCount_Is16384() => Assert.That(KeySlot.SlotCount, Is.EqualTo(16384));

    [Test]
    public void Crc16_StandardCheckValue()
    {
        // "123456789" is the canonical check input for CRC-16/XMODEM.
        Assert.That(KeySlot.Crc16("123456789"u8), Is.EqualTo((ushort)0x31C3));
    }

    [Test]
    public void Crc16_EmptyInput_IsZero() => Assert.That(KeySlot.Crc16(ReadOnlySpan<byte>.Empty), Is.EqualTo((ushort)0));

    [Test]
    public void Crc16_MatchesBitwiseReference()
    {
        // Cross-check the table-driven implementation against a straightforward bit-by-bit CRC.
        var rng = new Random(12345);
        for (int i = 0; i < 500; i++)
        {
            var data = new byte[rng.Next(0, 64)];
            rng.NextBytes(data);
            Assert.That(KeySlot.Crc16(data), Is.EqualTo(BitwiseCrc16(data)));
        }
    }

    // Expected values obtained from Redis 7.0.15 `CLUSTER KEYSLOT`.
    [TestCase("foo", 12182)]
    [TestCase("bar", 5061)]
    [TestCase("hello", 866)]
    [TestCase("user1000", 3443)]
    [TestCase("{user1000}.following", 3443)]
    [TestCase("{user1000}.followers", 3443)]
    [TestCase("foo{}{bar}", 8363)]
    [TestCase("foo{{bar}}zap", 4015)]
    [TestCase("foo{bar}{zap}", 5061)]
    [TestCase("", 0)]
    [TestCase("a", 15495)]
    [TestCase("{", 4092)]
    [TestCase("}", 12090)]
    [TestCase("{}", 15257)]
    [TestCase("}{a}", 15495)]
    [TestCase("{a}", 15495)]
    [TestCase("a{b", 13340)]
    [TestCase("a}b{c}", 7365)]
    [TestCase("test{}", 8014)]
    [TestCase("key:1", 6657)]
    [TestCase("somekey", 11058)]
    [TestCase("123456789", 12739)]
    [TestCase("éclair", 9615)]
    public void Of_MatchesRedis(string key, int expected) => Assert.That(Slot(key), Is.EqualTo(expected));

    [Test]
    public void HashTag_SameTagSameSlot()
    {
        int expected = Slot("user1000");
        Assert.Multiple(() =>
        {
            Assert.That(Slot("{user1000}.following"), Is.EqualTo(expected));
            Assert.That(Slot("{user1000}.followers"), Is.EqualTo(expected));
        });
    }

    [Test]
    public void EmptyTag_HashesWholeKey()
    {
        Assert.That(KeySlot.Of("foo{}{bar}"u8), Is.EqualTo(KeySlot.Crc16("foo{}{bar}"u8) % KeySlot.SlotCount));
    }

    [Test]
    public void NestedOpenBrace_TagRunsToFirstCloseBrace()
    {
        Assert.That(KeySlot.Of("foo{{bar}}zap"u8), Is.EqualTo(KeySlot.Crc16("{bar"u8) % KeySlot.SlotCount));
    }

    [Test]
    public void OnlyFirstTagCounts()
    {
        Assert.That(KeySlot.Of("foo{bar}{zap}"u8), Is.EqualTo(KeySlot.Crc16("bar"u8) % KeySlot.SlotCount));
    }

    [Test]
    public void UnclosedBrace_HashesWholeKey()
    {
        Assert.That(KeySlot.Of("foo{bar"u8), Is.EqualTo(KeySlot.Crc16("foo{bar"u8) % KeySlot.SlotCount));
    }

    [Test]
    public void EmptyKey_IsSlotZero() => Assert.That(KeySlot.Of(ReadOnlySpan<byte>.Empty), Is.EqualTo(0));

    [FsCheck.NUnit.Property(MaxTest = 1000)]
    public bool Property_TaggedKeyHashesToTagSlot(byte[] suffix, NonEmptyArray<byte> tag)
    {
        // Tags must be brace-free for the identity to hold; remap braces instead of discarding cases.
        byte[] t = StripBraces(tag.Get);
        byte[] key = [(byte)'a', (byte)'{', .. t, (byte)'}', .. suffix ?? []];
        int slot = KeySlot.Of(key);
        return slot == KeySlot.Of(t) && slot >= 0 && slot < KeySlot.SlotCount;
    }

    [FsCheck.NUnit.Property(MaxTest = 1000)]
    public bool Property_SlotAlwaysInRange(byte[] key)
    {
        int slot = KeySlot.Of(key ?? []);
        return slot >= 0 && slot < KeySlot.SlotCount;
    }

    [Test]
    public void Randomized_TaggedKeyHashesToTagSlot()
    {
        // Seeded companion to the FsCheck property, biased toward ASCII keys that contain braces.
        var rng = new Random(20240611);
        const string alphabet = "abcxyz0123456789:{}.-_";
        for (int i = 0; i < 5000; i++)
        {
            string t = RandomString(rng, alphabet.Replace("{", "").Replace("}", ""), 1, 16);
            string k = RandomString(rng, alphabet, 0, 24);
            int slot = Slot("a{" + t + "}" + k);
            Assert.That(slot, Is.EqualTo(Slot(t)), () => $"t={t} k={k}");
            Assert.That(slot, Is.InRange(0, KeySlot.SlotCount - 1));
            Assert.That(Slot(k), Is.InRange(0, KeySlot.SlotCount - 1));
        }
    }

    private static string RandomString(Random rng, string alphabet, int minLen, int maxLen)
    {
        var chars = new char[rng.Next(minLen, maxLen + 1)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[rng.Next(alphabet.Length)];
        }
        return new string(chars);
    }

    private static byte[] StripBraces(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i] == (byte)'{' || copy[i] == (byte)'}')
            {
                copy[i] = (byte)'x';
            }
        }
        return copy;
    }

    private static ushort BitwiseCrc16(ReadOnlySpan<byte> data)
    {
        int crc = 0;
        foreach (byte b in data)
        {
            crc ^= b << 8;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xFFFF;
        }
        return (ushort)crc;
    }
}
