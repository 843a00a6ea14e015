using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using FastNode.Server.Persistence.Snapshots;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// RDB v10 for a point-in-time capture (<see cref="SnapshotCapture"/>): the same records as <see cref="RdbSnapshot"/>,
/// written piece by piece as the capture walks the shards, with the CRC64 of every byte observed in file order.
/// A full sync's snapshot carries the replication AUX fields (repl-stream-db, repl-id, repl-offset) as Redis's does.
/// <see cref="WriteEntry"/> may run on a writer's thread (a shard encoded ahead of the capture), so each call uses
/// a buffer of its thread's own.
/// </summary>
public sealed class RdbSnapshotEncoder(ServerState server, int streamDb = -1, string? replId = null, long replOffset = -1) : ISnapshotEncoder
{
    [ThreadStatic] private static RdbBuffer? t_buffer;

    private readonly RdbClock _clock = RdbClock.Of(server);
    private ulong _crc;

    public void WriteHeader(IBufferWriter<byte> output)
    {
        var b = Buffer();
        b.Write(RdbSnapshot.Magic);
        Aux(b, "redis-ver", ServerInfo.RedisVersion);
        Aux(b, "redis-bits", 64);
        Aux(b, "ctime", _clock.UnixMs / 1000);
        Aux(b, "used-mem", GC.GetTotalMemory(false));
        if (streamDb >= 0 || replId is not null)
        {
            Aux(b, "repl-stream-db", Math.Max(0, streamDb));
            if (replId is not null) Aux(b, "repl-id", replId);
            if (replOffset >= 0) Aux(b, "repl-offset", replOffset);
        }
        Aux(b, "aof-base", 0);
        Aux(b, RdbAuxFields.FencingToken, FencingTokens.For(server).Last);
        output.Write(b.Span);
    }

    public void BeginDatabase(IBufferWriter<byte> output, int db, long keys, long keysWithExpiry)
    {
        var b = Buffer();
        b.WriteByte(RdbOpcode.SelectDb);
        b.WriteLength((ulong)db);
        b.WriteByte(RdbOpcode.ResizeDb);
        b.WriteLength((ulong)keys);
        b.WriteLength((ulong)keysWithExpiry);
        output.Write(b.Span);
    }

    public void WriteEntry(IBufferWriter<byte> output, in Entry entry)
    {
        if (!RdbValueEncoder.CanWrite(entry.Kind) || (entry.ExpireAt != 0 && entry.ExpireAt <= _clock.UnixMs)) return;
        var b = Buffer();
        RdbSnapshot.WriteKey(b, ref Unsafe.AsRef(in entry), _clock);
        output.Write(b.Span);
    }

    public void Observe(ReadOnlySpan<byte> written) => _crc = Crc64.Update(_crc, written);

    public void WriteFooter(IBufferWriter<byte> output)
    {
        Span<byte> end = stackalloc byte[9];
        end[0] = RdbOpcode.Eof;
        _crc = Crc64.Update(_crc, end[..1]);
        BinaryPrimitives.WriteUInt64LittleEndian(end[1..], _crc);
        output.Write(end);
    }

    private static RdbBuffer Buffer()
    {
        var b = t_buffer ??= new RdbBuffer(64 * 1024);
        b.Clear();
        return b;
    }

    private static void Aux(RdbBuffer b, string name, string value)
    {
        b.WriteByte(RdbOpcode.Aux);
        b.WriteString(Encoding.UTF8.GetBytes(name));
        b.WriteString(Encoding.UTF8.GetBytes(value));
    }

    private static void Aux(RdbBuffer b, string name, long value)
    {
        b.WriteByte(RdbOpcode.Aux);
        b.WriteString(Encoding.UTF8.GetBytes(name));
        b.WriteIntegerString(value);
    }
}
