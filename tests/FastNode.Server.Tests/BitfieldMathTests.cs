using FastNode.Server.Commands.Bits;
using static FastNode.Server.Commands.Bits.BitfieldMath;

namespace FastNode.Server.Tests;

/// <summary>BITFIELD's field access and overflow arithmetic, and the bit search behind BITPOS, as pure functions.</summary>
public sealed class BitfieldMathTests
{
    [Test]
    public void FieldsAreReadAndWrittenMostSignificantBitFirstAtAnyOffset()
    {
        var bytes = new byte[4];
        Set(bytes, 3, 5, 0b10110);
        Assert.That(bytes[0], Is.EqualTo(0b0001_0110));
        Assert.That(GetUnsigned(bytes, 3, 5), Is.EqualTo(0b10110UL));
        Assert.That(GetSigned(bytes, 3, 5), Is.EqualTo(-10));
        Set(bytes, 6, 12, 0xABC);
        Assert.That(GetUnsigned(bytes, 6, 12), Is.EqualTo(0xABCUL));
        // Bits past the end read as zero.
        Assert.That(GetUnsigned(bytes, 28, 8), Is.EqualTo((ulong)(bytes[3] & 0x0F) << 4));
        var wide = new byte[9];
        Set(wide, 1, 64, 0x8000_0000_0000_0001UL);
        Assert.That(GetSigned(wide, 1, 64), Is.EqualTo(long.MinValue + 1));
    }

    [TestCase(100, 100, 8, Overflow.Wrap, 1, -56L)]
    [TestCase(100, 100, 8, Overflow.Sat, 1, 127L)]
    [TestCase(-100, -100, 8, Overflow.Wrap, -1, 56L)]
    [TestCase(-100, -100, 8, Overflow.Sat, -1, -128L)]
    [TestCase(5, 2, 8, Overflow.Sat, 0, 0L)]
    [TestCase(long.MaxValue, 1, 64, Overflow.Wrap, 1, long.MinValue)]
    [TestCase(long.MinValue, -1, 64, Overflow.Sat, -1, long.MinValue)]
    [TestCase(0, 1, 1, Overflow.Wrap, 1, -1L)]
    public void SignedOverflowFollowsRedis(long value, long increment, int bits, Overflow mode, int expected, long limit)
    {
        Assert.That(CheckSigned(value, increment, bits, mode, out long got), Is.EqualTo(expected));
        if (expected != 0) Assert.That(got, Is.EqualTo(limit));
    }

    [TestCase(250UL, 10, 8, Overflow.Wrap, 1, 4UL)]
    [TestCase(250UL, 10, 8, Overflow.Sat, 1, 255UL)]
    [TestCase(3UL, -5, 8, Overflow.Wrap, -1, 254UL)]
    [TestCase(3UL, -5, 8, Overflow.Sat, -1, 0UL)]
    [TestCase(ulong.MaxValue, 0, 8, Overflow.Wrap, 1, 255UL)]
    [TestCase((1UL << 63) - 1, 1, 63, Overflow.Wrap, 1, 0UL)]
    [TestCase(7UL, 0, 3, Overflow.Fail, 0, 0UL)]
    public void UnsignedOverflowFollowsRedis(ulong value, long increment, int bits, Overflow mode, int expected, ulong limit)
    {
        Assert.That(CheckUnsigned(value, increment, bits, mode, out ulong got), Is.EqualTo(expected));
        if (expected != 0 && mode != Overflow.Fail) Assert.That(got, Is.EqualTo(limit));
    }

    [Test]
    public void FirstBitFindsSetAndClearBits()
    {
        Assert.That(Bitmaps.FirstBit([0, 0, 0b0010_0000], 1), Is.EqualTo(18));
        Assert.That(Bitmaps.FirstBit([0, 0, 0], 1), Is.EqualTo(-1));
        Assert.That(Bitmaps.FirstBit([0xFF, 0xFF], 0), Is.EqualTo(16), "past the end: the string reads as zero-padded");
        Assert.That(Bitmaps.FirstBit([0xFF, 0xFE], 0), Is.EqualTo(15));
        var longer = new byte[40];
        longer[33] = 1;
        Assert.That(Bitmaps.FirstBit(longer, 1), Is.EqualTo(33 * 8 + 7));
        Assert.That(Bitmaps.PopCount(longer), Is.EqualTo(1));
    }
}
