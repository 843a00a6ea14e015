using FsCheck;
using FsCheck.Fluent;
using static FastNode.Protocol.Tests.TestSequences;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace FastNode.Protocol.Tests;

/// <summary>
/// Properties of the reader over generated input: garbage only ever gives commands, "need more data" or a
/// <see cref="RespProtocolException"/> (any other exception fails the property), the way the input is cut into
/// segments or reads never changes the outcome, and any list of binary arguments round-trips.
/// </summary>
public sealed class CommandReaderPropertyTests
{
    private static readonly byte[] ProtocolBytes = Bytes("*$\r\n\r\n0123456789-+\"'\\x ab\t\0\xff");

    private static Gen<byte> AnyByte => Gen.Choose(0, 255).Select(i => (byte)i);

    /// <summary>Mostly bytes that mean something to the parser, so random input reaches deep into it.</summary>
    private static Gen<byte> InterestingByte => Gen.Frequency((4, Gen.Elements(ProtocolBytes)), (1, AnyByte));

    private static Gen<byte[]> Garbage =>
        Gen.OneOf(
            Gen.ArrayOf(InterestingByte),
            Gen.ArrayOf(InterestingByte).Select(b => Bytes("*").Concat(b).ToArray()),
            Gen.ArrayOf(InterestingByte).Select(b => Bytes("*2\r\n$").Concat(b).ToArray()));

    private static Gen<byte[]> Argument =>
        Gen.Frequency(
            (8, Gen.ArrayOf(AnyByte)),
            (2, Gen.ArrayOf(InterestingByte)),
            (1, Gen.Choose(0, 40_000).Select(n => { var a = new byte[n]; new Random(n).NextBytes(a); return a; })));

    private static Gen<byte[]> SmallArgument => Gen.Frequency((3, Gen.ArrayOf(AnyByte)), (1, Gen.ArrayOf(InterestingByte)));

    private static Gen<byte[][][]> CommandsOf(Gen<byte[]> argument) =>
        Gen.NonEmptyListOf(Gen.NonEmptyListOf(argument).Select(l => l.ToArray())).Select(l => l.ToArray());

    private static Gen<byte[][][]> Commands => CommandsOf(Argument);

    private static byte[] EncodeAll(byte[][][] commands) => commands.SelectMany(c => Encode(c)).ToArray();

    /// <summary>Valid requests with a few bytes overwritten, inserted or removed.</summary>
    private static Gen<byte[]> Mutated =>
        from commands in CommandsOf(SmallArgument)
        from edits in Gen.NonEmptyListOf(Gen.Zip(Gen.Choose(0, 2), Gen.Zip(Gen.Choose(0, int.MaxValue), InterestingByte)))
        select Mutate(EncodeAll(commands), edits);

    private static byte[] Mutate(byte[] data, IEnumerable<(int Kind, (int Position, byte Value) Edit)> edits)
    {
        var list = data.ToList();
        foreach (var (kind, (position, value)) in edits)
        {
            int at = list.Count == 0 ? 0 : position % list.Count;
            if (kind == 0 && list.Count > 0) list[at] = value;
            else if (kind == 1) list.Insert(at, value);
            else if (list.Count > 0) list.RemoveAt(at);
        }
        return list.ToArray();
    }

    private static Gen<int> Cut => Gen.Choose(0, int.MaxValue);

    private static Property OutcomeIsTheSameHoweverCut(Gen<byte[]> inputs) =>
        Prop.ForAll(Gen.Zip(inputs, Gen.Zip(Cut, Gen.Choose(1, 64))).ToArbitrary(), t =>
        {
            var (data, (cut, chunk)) = t;
            var whole = ReaderRun.Whole(data);
            var split = ReaderRun.Split(data, cut % (data.Length + 1));
            var merged = ReaderRun.Incremental(data, chunk, segmented: false);
            var segmented = ReaderRun.Incremental(data, chunk, segmented: true);
            var bytewise = ReaderRun.Incremental(data, 1, segmented: true);
            return split.Summary == whole.Summary && merged.Summary == whole.Summary
                && segmented.Summary == whole.Summary && bytewise.Summary == whole.Summary
                && bytewise.EmittedAt.SequenceEqual(whole.EmittedAt);
        });

    [Property(MaxTest = 1000)]
    public Property RandomBytesGiveCommandsMoreDataOrAProtocolError() => OutcomeIsTheSameHoweverCut(Garbage);

    [Property(MaxTest = 500)]
    public Property MutatedRequestsGiveCommandsMoreDataOrAProtocolError() => OutcomeIsTheSameHoweverCut(Mutated);

    [Property(MaxTest = 300)]
    public Property UnauthenticatedRandomInputNeverFailsOtherwise() =>
        Prop.ForAll(Gen.OneOf(Garbage, Mutated).ToArbitrary(), data =>
        {
            var whole = ReaderRun.Whole(data, authenticated: false);
            var bytewise = ReaderRun.Incremental(data, 1, segmented: true, authenticated: false);
            return bytewise.Summary == whole.Summary;
        });

    [Property(MaxTest = 300)]
    public Property BinaryArgumentsRoundTrip() =>
        Prop.ForAll(Gen.Zip(Commands, Gen.Zip(Cut, Gen.Choose(64, 5000))).ToArbitrary(), t =>
        {
            var (commands, (cut, chunk)) = t;
            var data = EncodeAll(commands);
            var expected = RequestCases.Describe(commands.Select(c => c.Select(a => Text(a)).ToArray()));
            var runs = new[]
            {
                ReaderRun.Whole(data),
                ReaderRun.Split(data, cut % (data.Length + 1)),
                ReaderRun.Incremental(data, chunk, segmented: false),
                ReaderRun.Incremental(data, chunk, segmented: true),
            };
            return runs.All(r => r.Error is null && r.Pending == 0 && RequestCases.Describe(r.Commands) == expected);
        });
}
