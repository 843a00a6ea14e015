using System.Buffers;

namespace FastNode.Benchmarks;

/// <summary>Cuts a buffer into fixed-size segments, the way a pipe hands over data that arrived in several reads.</summary>
public static class SegmentedSequence
{
    public static ReadOnlySequence<byte> Create(byte[] data, int segmentSize)
    {
        if (data.Length <= segmentSize) return new ReadOnlySequence<byte>(data);
        Segment first = new(data.AsMemory(0, segmentSize), 0);
        Segment last = first;
        for (int offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            var next = new Segment(data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset)), offset);
            last.SetNext(next);
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
