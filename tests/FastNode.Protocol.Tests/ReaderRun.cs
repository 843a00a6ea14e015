using System.Buffers;

namespace FastNode.Protocol.Tests;

/// <summary>
/// What a <see cref="CommandReader"/> made of some input: the commands (arguments as Latin-1 strings), the input
/// offset at which each one was handed out, the protocol error if any, and the bytes still waiting for more data.
/// </summary>
public sealed record ReaderRun(List<string[]> Commands, List<long> EmittedAt, string? Error, long Pending)
{
    /// <summary>Commands and error only: what a client can observe (not when each command came out).</summary>
    public string Summary => string.Join(" | ", Commands.Select(c => "[" + string.Join(",", c.Select(Show)) + "]"))
        + (Error is null ? "" : " ERR:" + Error) + " pending:" + Pending;

    private static string Show(string arg) => arg.Length > 40 ? $"<{arg.Length} bytes>" : arg.Replace("\r", "\\r").Replace("\n", "\\n");

    public static CommandReader NewReader(bool authenticated = true, ProtocolLimits? limits = null) =>
        new(limits ?? new ProtocolLimits()) { Authenticated = authenticated };

    /// <summary>All the input at once, as one segment.</summary>
    public static ReaderRun Whole(byte[] data, bool authenticated = true, ProtocolLimits? limits = null) =>
        Once(new ReadOnlySequence<byte>(data), authenticated, limits);

    /// <summary>All the input at once, as two segments cut at <paramref name="at"/>.</summary>
    public static ReaderRun Split(byte[] data, int at, bool authenticated = true, ProtocolLimits? limits = null) =>
        Once(TestSequences.SplitAt(data, at), authenticated, limits);

    /// <summary>One read of a given sequence: read commands until the reader needs more data or throws.</summary>
    public static ReaderRun Once(ReadOnlySequence<byte> sequence, bool authenticated = true, ProtocolLimits? limits = null)
    {
        var reader = NewReader(authenticated, limits);
        var commands = new List<string[]>();
        var emitted = new List<long>();
        var input = sequence;
        try
        {
            while (reader.TryRead(ref input, out var command))
            {
                commands.Add(ToStrings(command));
                emitted.Add(sequence.Length - input.Length - reader.PendingBytes);
            }
        }
        catch (RespProtocolException ex)
        {
            return new ReaderRun(commands, emitted, ex.Message, -1);
        }
        return new ReaderRun(commands, emitted, null, input.Length + reader.PendingBytes);
    }

    /// <summary>
    /// The input arriving <paramref name="chunk"/> bytes at a time, as through a pipe: bytes the reader leaves are
    /// presented again with the next chunk, either merged into one segment or as separate segments.
    /// EmittedAt is how many bytes had arrived when each command came out.
    /// </summary>
    public static ReaderRun Incremental(byte[] data, int chunk, bool segmented, bool authenticated = true,
        ProtocolLimits? limits = null, CommandReader? reader = null, bool rethrow = false)
    {
        reader ??= NewReader(authenticated, limits);
        var commands = new List<string[]>();
        var emitted = new List<long>();
        var unconsumed = new List<byte[]>();
        long arrived = 0;
        for (int offset = 0; offset < data.Length; offset += chunk)
        {
            var piece = data.AsSpan(offset, Math.Min(chunk, data.Length - offset)).ToArray();
            arrived += piece.Length;
            if (segmented || unconsumed.Count == 0) unconsumed.Add(piece);
            else unconsumed[0] = [.. unconsumed[0], .. piece];

            var sequence = TestSequences.FromSegments(unconsumed);
            var input = sequence;
            try
            {
                while (reader.TryRead(ref input, out var command))
                {
                    commands.Add(ToStrings(command));
                    emitted.Add(arrived);
                }
            }
            catch (RespProtocolException ex) when (!rethrow)
            {
                return new ReaderRun(commands, emitted, ex.Message, -1);
            }
            var rest = input.ToArray();
            unconsumed.Clear();
            if (rest.Length > 0) unconsumed.Add(rest);
        }
        long pending = unconsumed.Sum(s => (long)s.Length) + reader.PendingBytes;
        return new ReaderRun(commands, emitted, null, pending);
    }

    /// <summary>Like <see cref="Incremental"/> (segmented) but lets the protocol exception escape.</summary>
    public static void IncrementalOrThrow(byte[] data, int chunk, CommandReader reader)
    {
        var run = Incremental(data, chunk, segmented: true, reader: reader, rethrow: true);
        Assert.Fail("no exception; got " + run.Summary);
    }

    public static string[] ToStrings(CommandArgs command)
    {
        var result = new string[command.Count];
        for (int i = 0; i < command.Count; i++) result[i] = TestSequences.Text(command[i]);
        return result;
    }
}
