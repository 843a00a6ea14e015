namespace FastNode.Server.Commands.HyperLogLog;

/// <summary>The checks PFSELFTEST runs, on values of its own (no key is touched).</summary>
internal static class SelfTest
{
    private const int RegisterCycles = 1000;
    private const int Elements = 10_000_000;

    /// <summary>Null when every check passes, else the error text.</summary>
    public static string? Run(long sparseMaxBytes)
    {
        var random = new Random();
        var dense = new byte[Hll.DenseSize];
        var registers = dense.AsSpan(Hll.HeaderSize);
        var expected = new byte[Hll.Registers];
        for (int cycle = 0; cycle < RegisterCycles; cycle++)
        {
            for (int i = 0; i < Hll.Registers; i++)
            {
                expected[i] = (byte)random.Next(64);
                Hll.DenseSet(registers, i, expected[i]);
            }
            for (int i = 0; i < Hll.Registers; i++)
            {
                int value = Hll.DenseGet(registers, i);
                if (value != expected[i]) return $"TESTFAILED Register {i} should be {expected[i]} but is {value}";
            }
        }

        Array.Clear(dense);
        "HYLL"u8.CopyTo(dense);
        // The sparse HLL grows in a buffer with room for its dense form and for the sparse limit.
        var sparse = new byte[Math.Max(Hll.DenseSize, (int)Math.Min(sparseMaxBytes, Hll.DenseSize * 4L)) + 8];
        Hll.WriteEmpty(sparse);
        int sparseLength = Hll.EmptySize;
        double relativeError = 1.04 / Math.Sqrt(Hll.Registers);
        long checkpoint = 1;
        ulong seed = (ulong)random.NextInt64();
        Span<byte> element = stackalloc byte[8];
        for (long j = 1; j <= Elements; j++)
        {
            BitConverter.TryWriteBytes(element, (ulong)j ^ seed);
            int count = Hll.PatternLength(element, out int register);
            Hll.DenseRaise(registers, register, count);
            Add(sparse, ref sparseLength, register, count, sparseMaxBytes);
            if (j != checkpoint) continue;
            if (j < sparseMaxBytes / 2 && sparse[4] != Hll.Sparse) return "TESTFAILED sparse encoding not used";
            long denseCount = Hll.Count(dense, out _);
            if (denseCount != Hll.Count(sparse.AsSpan(0, sparseLength), out _)) return "TESTFAILED dense/sparse disagree";
            long error = Math.Abs(checkpoint - denseCount);
            long maxError = (long)Math.Ceiling(relativeError * 6 * checkpoint);
            // At 10 a collision is statistically likely now and then.
            if (j == 10) maxError = 1;
            if (error > maxError) return $"TESTFAILED Too big error. card:{checkpoint} abserr:{error}";
            checkpoint *= 10;
        }
        return null;
    }

    private static void Add(byte[] value, ref int length, int register, int count, long sparseMaxBytes)
    {
        if (value[4] == Hll.Dense)
        {
            Hll.DenseRaise(value.AsSpan(Hll.HeaderSize, Hll.DenseSize - Hll.HeaderSize), register, count);
            return;
        }
        if (Hll.SparseSet(value, ref length, register, count, sparseMaxBytes) != Hll.SetResult.Promote) return;
        var copy = value.AsSpan(0, length).ToArray();
        Hll.SparseToDense(copy, value);
        length = Hll.DenseSize;
        Hll.DenseRaise(value.AsSpan(Hll.HeaderSize, Hll.DenseSize - Hll.HeaderSize), register, count);
    }
}
