using System.Numerics;
using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Strings;

/// <summary>
/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: longest common subsequence of two strings, by the
/// classic dynamic-programming table. Both values are copied under their shard locks, then the work runs unlocked.
/// Memory is bounded like Redis 7.0: a table of (len1+1)*(len2+1) 4-byte cells larger than proto-max-bulk-len is
/// refused. We store the table in 2-byte cells when the shorter string is under 64 KB (half Redis's memory), and
/// LEN alone needs only two rows. The walk back through the table breaks ties exactly as Redis does, so the
/// subsequence and the match ranges are the same.
/// </summary>
public static class LcsCommand
{
    public static void Lcs(ref CommandContext ctx)
    {
        // Redis reads the keys before it looks at the options: the type error comes first.
        if (!TryReadValues(ref ctx, out var a, out var b))
        {
            ctx.Writer.WriteError("ERR The specified keys must contain string values");
            return;
        }
        bool len = false, idx = false, withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < ctx.Args.Count; j++)
        {
            var opt = ctx.Args[j];
            if (Ascii.EqualsIgnoreCase(opt, "IDX"u8)) idx = true;
            else if (Ascii.EqualsIgnoreCase(opt, "LEN"u8)) len = true;
            else if (Ascii.EqualsIgnoreCase(opt, "WITHMATCHLEN"u8)) withMatchLen = true;
            else if (Ascii.EqualsIgnoreCase(opt, "MINMATCHLEN"u8) && j + 1 < ctx.Args.Count)
            {
                if (!Numbers.TryParseInt64(ctx.Args[++j], out minMatchLen))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (minMatchLen < 0) minMatchLen = 0;
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        if (idx && len)
        {
            ctx.Writer.WriteError("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        long cells = (long)(a.Length + 1) * (b.Length + 1);
        if (cells * sizeof(uint) > ctx.Server.Options.ProtoMaxBulkLen)
        {
            ctx.Writer.WriteError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        if (len)
        {
            ctx.Writer.WriteInteger(LengthOnly(a, b));
            return;
        }
        if (cells <= Array.MaxLength)
        {
            try
            {
                if (Math.Min(a.Length, b.Length) < ushort.MaxValue) Reply(ref ctx, new Table<ushort>(a, b), idx, withMatchLen, minMatchLen);
                else Reply(ref ctx, new Table<uint>(a, b), idx, withMatchLen, minMatchLen);
                return;
            }
            catch (OutOfMemoryException)
            {
                // Nothing was written yet: the table is allocated before the reply starts.
            }
        }
        ctx.Writer.WriteError("ERR Insufficient memory, failed allocating transient memory for LCS");
    }

    /// <summary>Copies both values (a missing key reads as ""); false if either key holds another type.</summary>
    private static bool TryReadValues(ref CommandContext ctx, out ReadOnlyMemory<byte> a, out ReadOnlyMemory<byte> b)
    {
        a = b = ReadOnlyMemory<byte>.Empty;
        var db = ctx.Db;
        ulong hashA = KeyHasher.Hash(ctx.Args[1]), hashB = KeyHasher.Hash(ctx.Args[2]);
        using var locks = new MultiShardLock(db, stackalloc ulong[MultiShardLock.WordsFor(db)]);
        locks.Add(hashA);
        locks.Add(hashB);
        locks.EnterAll();
        return TryCopy(db, hashA, ctx.Args[1], ctx.NowMs, out a) & TryCopy(db, hashB, ctx.Args[2], ctx.NowMs, out b);
    }

    private static bool TryCopy(Database db, ulong hash, ReadOnlySpan<byte> key, long nowMs, out ReadOnlyMemory<byte> value)
    {
        value = ReadOnlyMemory<byte>.Empty;
        using var k = db.Open(hash, key, nowMs, Lookup.Read);
        if (!k.Exists) return true;
        if (!k.IsString) return false;
        // A large array is never modified again, so it can be shared; a small one may be rewritten in place.
        var large = k.ImmutableString(out int length);
        value = large is not null ? large.AsMemory(0, length) : k.String.ToArray();
        return true;
    }

    /// <summary>LCS length with two rows of the table.</summary>
    private static long LengthOnly(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        var a = first.Span;
        var b = second.Span;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static void Reply<T>(ref CommandContext ctx, Table<T> table, bool idx, bool withMatchLen, long minMatchLen)
        where T : unmanaged, IBinaryInteger<T>
    {
        var a = table.A.Span;
        var b = table.B.Span;
        int total = table.Length;
        var common = idx ? null : new byte[total];
        var ranges = idx ? new List<Range4>() : null;

        // Walk back from the end. A run of diagonal matches forms one range; it is closed by a mismatch step or by
        // reaching the start of either string, and kept if it is at least MINMATCHLEN long. On a mismatch Redis moves
        // up (drops a byte of the first string) only when that keeps a strictly longer LCS, otherwise left.
        int i = a.Length, j = b.Length, remaining = total;
        bool open = false;
        int aStart = 0, aEnd = 0, bStart = 0, bEnd = 0;
        while (i > 0 && j > 0)
        {
            bool close = false;
            if (a[i - 1] == b[j - 1])
            {
                if (common is not null) common[--remaining] = a[i - 1];
                if (!open)
                {
                    open = true;
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                }
                else if (aStart == i && bStart == j)
                {
                    aStart--;
                    bStart--;
                }
                else
                {
                    close = true;
                }
                if (aStart == 0 || bStart == 0) close = true;
                i--;
                j--;
            }
            else
            {
                if (table[i - 1, j] > table[i, j - 1]) i--;
                else j--;
                if (open) close = true;
            }
            if (close)
            {
                int matchLen = aEnd - aStart + 1;
                if (minMatchLen == 0 || matchLen >= minMatchLen) ranges?.Add(new Range4(aStart, aEnd, bStart, bEnd));
                open = false;
            }
        }

        if (ranges is null)
        {
            ctx.Writer.WriteBulkString(common);
            return;
        }
        ctx.Writer.WriteMapHeader(2);
        ctx.Writer.WriteBulkString("matches"u8);
        ctx.Writer.WriteArrayHeader(ranges.Count);
        foreach (var r in ranges)
        {
            ctx.Writer.WriteArrayHeader(withMatchLen ? 3 : 2);
            ctx.Writer.WriteArrayHeader(2);
            ctx.Writer.WriteInteger(r.AStart);
            ctx.Writer.WriteInteger(r.AEnd);
            ctx.Writer.WriteArrayHeader(2);
            ctx.Writer.WriteInteger(r.BStart);
            ctx.Writer.WriteInteger(r.BEnd);
            if (withMatchLen) ctx.Writer.WriteInteger(r.AEnd - r.AStart + 1);
        }
        ctx.Writer.WriteBulkString("len"u8);
        ctx.Writer.WriteInteger(total);
    }

    private readonly record struct Range4(int AStart, int AEnd, int BStart, int BEnd);

    /// <summary>The full table: cell [i, j] is the LCS length of the first i bytes of A and the first j bytes of B.</summary>
    private sealed class Table<T> where T : unmanaged, IBinaryInteger<T>
    {
        private readonly T[] _cells;
        private readonly int _width;

        public Table(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b)
        {
            A = a;
            B = b;
            _width = b.Length + 1;
            _cells = new T[(long)(a.Length + 1) * _width];
            var x = a.Span;
            var y = b.Span;
            for (int i = 1; i <= x.Length; i++)
            {
                int row = i * _width, above = row - _width;
                for (int j = 1; j <= y.Length; j++)
                {
                    _cells[row + j] = x[i - 1] == y[j - 1]
                        ? _cells[above + j - 1] + T.One
                        : T.Max(_cells[above + j], _cells[row + j - 1]);
                }
            }
        }

        public ReadOnlyMemory<byte> A { get; }
        public ReadOnlyMemory<byte> B { get; }

        public T this[int i, int j] => _cells[i * _width + j];

        public int Length => int.CreateTruncating(this[A.Length, B.Length]);
    }
}
