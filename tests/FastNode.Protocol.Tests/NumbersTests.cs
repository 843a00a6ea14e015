using System.Text;
using FastNode.Protocol;

namespace FastNode.Protocol.Tests;

public sealed class NumbersTests
{
    [TestCase("1.5", 1.5)]
    [TestCase("-2", -2.0)]
    [TestCase("1e3", 1000.0)]
    [TestCase("0x10", 16.0)]
    [TestCase("-0x1.8p1", -3.0)]
    [TestCase("0X1P-2", 0.25)]
    [TestCase("+inf", double.PositiveInfinity)]
    [TestCase("-Infinity", double.NegativeInfinity)]
    [TestCase("0e5", 0.0)]
    [TestCase("0.000", 0.0)]
    public void ParsesFloatsAsRedisDoes(string text, double expected)
    {
        Assert.That(Numbers.TryParseDouble(Encoding.ASCII.GetBytes(text), out double value), Is.True);
        Assert.That(value, Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase(" 1")]
    [TestCase("1 ")]
    [TestCase("nan")]
    [TestCase("0x")]
    [TestCase("0x1p")]
    [TestCase("0xg")]
    [TestCase("0x10 ")]
    [TestCase("abc")]
    [TestCase("1e400")]
    [TestCase("-1e400")]
    [TestCase("1e-400")]
    [TestCase("0x1p2000")]
    [TestCase("0x1p-2000")]
    public void RejectsWhatRedisRejects(string text) =>
        Assert.That(Numbers.TryParseDouble(Encoding.ASCII.GetBytes(text), out _), Is.False);

    [TestCase("0", 0L)]
    [TestCase("-9223372036854775808", long.MinValue)]
    [TestCase("9223372036854775807", long.MaxValue)]
    public void ParsesIntegers(string text, long expected)
    {
        Assert.That(Numbers.TryParseInt64(Encoding.ASCII.GetBytes(text), out long value), Is.True);
        Assert.That(value, Is.EqualTo(expected));
    }

    [TestCase("007")]
    [TestCase("+1")]
    [TestCase("9223372036854775808")]
    [TestCase("-")]
    [TestCase("1.0")]
    public void RejectsNonCanonicalIntegers(string text) =>
        Assert.That(Numbers.TryParseInt64(Encoding.ASCII.GetBytes(text), out _), Is.False);
}
