using System.Buffers;
using System.Text;

namespace FastNode.Protocol.Tests;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, the way a pipe hands over data from several reads.</summary>
public static class TestSequences
{
    /// <summary>One sequence whose segments are exactly <paramref name="parts"/> (empty parts give empty segments).</summary>
    public static ReadOnlySequence<byte> FromSegments(IReadOnlyList<byte[]> parts)
    {
        if (parts.Count == 0) return ReadOnlySequence<byte>.Empty;
        if (parts.Count == 1) return new ReadOnlySequence<byte>(parts[0]);
        var first = new Segment(parts[0], 0);
        var last = first;
        for (int i = 1; i < parts.Count; i++) last = last.Append(parts[i]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Two segments: [0, at) and [at, end).</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] data, int at) => FromSegments([data[..at], data[at..]]);

    /// <summary>Latin-1 keeps every byte as one char, so binary arguments compare and print exactly.</summary>
    public static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>Encodes a command as a RESP array of bulk strings.</summary>
    public static byte[] Encode(IReadOnlyList<byte[]> args)
    {
        var buffer = new List<byte>();
        buffer.AddRange(Encoding.ASCII.GetBytes($"*{args.Count}\r\n"));
        foreach (var arg in args)
        {
            buffer.AddRange(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            buffer.AddRange(arg);
            buffer.AddRange("\r\n"u8.ToArray());
        }
        return buffer.ToArray();
    }

    public static byte[] Encode(params string[] args) => Encode(args.Select(Bytes).ToArray());

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
