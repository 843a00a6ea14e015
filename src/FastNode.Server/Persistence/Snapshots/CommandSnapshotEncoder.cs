using System.Buffers;
using System.Buffers.Text;
using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;
using FastNode.Server.Storage.Lists;
using FastNode.Server.Storage.Sets;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Persistence.Snapshots;

/// <summary>
/// A dataset as the RESP commands that rebuild it: the base file of an AOF written with aof-use-rdb-preamble no
/// (Redis's rewriteAppendOnlyFileRio). Collections go out in commands of at most <see cref="ItemsPerCommand"/>
/// elements (Redis's AOF_REWRITE_ITEMS_PER_CMD), TTLs as PEXPIREAT; keys already expired are left out.
/// </summary>
public sealed class CommandSnapshotEncoder(ServerState server) : ISnapshotEncoder
{
    private readonly Rdb.RdbClock _clock = Rdb.RdbClock.Of(server);

    public const int ItemsPerCommand = 64;

    private Scripting.FunctionLibrary[] _libraries = [];   // the function libraries at the point

    public void AtPoint() => _libraries = server.ScriptsIfStarted?.PublishedLibraries ?? [];

    /// <summary>One FUNCTION LOAD per library, before any SELECT (Redis 7.0's rewriteFunctions).</summary>
    public void WriteHeader(IBufferWriter<byte> output)
    {
        foreach (var library in _libraries)
        {
            var writer = new RespWriter(output, resp3: false);
            writer.WriteArrayHeader(3);
            writer.WriteBulkString("FUNCTION"u8);
            writer.WriteBulkString("LOAD"u8);
            writer.WriteBulkString(library.Code);
            writer.Commit();
        }
    }

    public void BeginDatabase(IBufferWriter<byte> output, int db, long keys, long keysWithExpiry)
    {
        var writer = new RespWriter(output, resp3: false);
        writer.WriteArrayHeader(2);
        writer.WriteBulkString("SELECT"u8);
        WriteNumber(ref writer, db);
        writer.Commit();
    }

    public void WriteEntry(IBufferWriter<byte> output, in Entry entry)
    {
        if (entry.ExpireAt != 0 && entry.ExpireAt <= _clock.UnixMs) return;
        var writer = new RespWriter(output, resp3: false);
        var key = entry.Key!;
        switch (entry.Value)
        {
            case var _ when entry.IsString:
                writer.WriteArrayHeader(3);
                writer.WriteBulkString("SET"u8);
                writer.WriteBulkString(key);
                writer.WriteBulkString(entry.StringSpan);
                break;
            case ListValue list: WriteList(ref writer, key, list); break;
            case HashValue hash: WriteHash(ref writer, key, hash); break;
            case SetValue set: WriteSet(ref writer, key, set); break;
            case SortedSetValue zset: WriteSortedSet(ref writer, key, zset); break;
            default:
                // Rate limiters, locks and semaphores: a RESTORE of their state (DUMP payload, absolute times).
                if (!Rdb.RdbValueEncoder.CanWrite(entry.Kind)) return;
                var payload = Rdb.DumpPayload.Create(entry, _clock);
                writer.WriteArrayHeader(5);
                writer.WriteBulkString("RESTORE"u8);
                writer.WriteBulkString(key);
                WriteNumber(ref writer, entry.ExpireAt);
                writer.WriteBulkString(payload);
                writer.WriteBulkString("ABSTTL"u8);
                writer.Commit();
                return;
        }
        if (entry.ExpireAt != 0)
        {
            writer.WriteArrayHeader(3);
            writer.WriteBulkString("PEXPIREAT"u8);
            writer.WriteBulkString(key);
            WriteNumber(ref writer, entry.ExpireAt);
        }
        writer.Commit();
    }

    public void Observe(ReadOnlySpan<byte> written)
    {
    }

    public void WriteFooter(IBufferWriter<byte> output)
    {
    }

    private static void WriteList(ref RespWriter writer, byte[] key, ListValue list)
    {
        var walk = list.Walk(0, list.Count);
        for (int left = list.Count; left > 0; left -= ItemsPerCommand)
        {
            int n = Math.Min(left, ItemsPerCommand);
            Begin(ref writer, "RPUSH"u8, key, n);
            for (int i = 0; i < n && walk.Next(out var element); i++) writer.WriteBulkString(element);
        }
    }

    private static void WriteHash(ref RespWriter writer, byte[] key, HashValue hash)
    {
        int position = hash.First();
        for (int left = hash.Count; left > 0; left -= ItemsPerCommand)
        {
            int n = Math.Min(left, ItemsPerCommand);
            Begin(ref writer, "HSET"u8, key, n * 2);
            for (int i = 0; i < n; i++, position = hash.Next(position))
            {
                writer.WriteBulkString(hash.FieldAt(position));
                writer.WriteBulkString(hash.ValueAt(position));
            }
        }
    }

    private static void WriteSet(ref RespWriter writer, byte[] key, SetValue set)
    {
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        int position = set.First();
        for (int left = set.Count; left > 0; left -= ItemsPerCommand)
        {
            int n = Math.Min(left, ItemsPerCommand);
            Begin(ref writer, "SADD"u8, key, n);
            for (int i = 0; i < n; i++, position = set.Next(position)) writer.WriteBulkString(set.MemberAt(position, scratch));
        }
    }

    private static void WriteSortedSet(ref RespWriter writer, byte[] key, SortedSetValue zset)
    {
        Span<byte> score = stackalloc byte[40];
        var position = zset.AtRank(0);
        for (int left = zset.Count; left > 0; left -= ItemsPerCommand)
        {
            int n = Math.Min(left, ItemsPerCommand);
            Begin(ref writer, "ZADD"u8, key, n * 2);
            for (int i = 0; i < n; i++, position = zset.Next(position))
            {
                int length = RespWriter.FormatDouble(zset.ScoreAt(position), score);
                writer.WriteBulkString(score.Slice(0, length));
                writer.WriteBulkString(zset.MemberAt(position));
            }
        }
    }

    private static void Begin(ref RespWriter writer, ReadOnlySpan<byte> command, byte[] key, int items)
    {
        writer.WriteArrayHeader(items + 2);
        writer.WriteBulkString(command);
        writer.WriteBulkString(key);
    }

    private static void WriteNumber(ref RespWriter writer, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        writer.WriteBulkString(digits.Slice(0, n));
    }
}
