using System.Text;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Writes a complete RDB version 10 file of every database without stopping the server: .NET cannot fork, so the
/// databases are serialised one shard at a time. Each shard's lock is held while its keys are encoded into a private
/// buffer, then released before the bytes go to the output. The file is therefore consistent per shard (each key's
/// value is a state it really had), not one instant for the whole dataset; a multi-key change that spans shards can
/// be half in it, as it could be half in any snapshot taken between its steps.
/// Keys whose TTL has passed are left out. Lock waiters are not saved (they are connections).
/// </summary>
public static class RdbSnapshot
{
    public static readonly byte[] Magic = "REDIS0010"u8.ToArray();

    /// <summary>Writes header, AUX fields, every non-empty database, EOF and the checksum. Returns the keys written.</summary>
    public static long Write(ServerState server, Stream output, RdbSaveOptions? options = null)
    {
        options ??= new RdbSaveOptions();
        var clock = RdbClock.Of(server);
        var sink = new ChecksumSink(output, options.Checksum);
        var b = new RdbBuffer(64 * 1024) { Compress = options.Compression };

        b.Write(Magic);
        WriteAux(b, "redis-ver", ServerInfo.RedisVersion);
        WriteAux(b, "redis-bits", 64);
        WriteAux(b, "ctime", clock.UnixMs / 1000);
        WriteAux(b, "used-mem", GC.GetTotalMemory(false));
        WriteAux(b, "aof-base", options.AofBase ? 1 : 0);
        WriteAux(b, RdbAuxFields.FencingToken, FencingTokens.For(server).Last);
        foreach (var (name, value) in options.ExtraAux ?? [])
            WriteAux(b, name, value);
        sink.Append(b.Span);

        long written = 0;
        for (int dbIndex = 0; dbIndex < server.DatabaseCount; dbIndex++)
        {
            var db = server.Database(dbIndex);
            long count = db.Count();
            if (count == 0) continue;
            b.Clear();
            b.WriteByte(RdbOpcode.SelectDb);
            b.WriteLength((ulong)dbIndex);
            b.WriteByte(RdbOpcode.ResizeDb);
            b.WriteLength((ulong)count);
            b.WriteLength((ulong)db.VolatileCount());
            sink.Append(b.Span);
            for (int s = 0; s < db.ShardCount; s++)
            {
                b.Clear();
                written += EncodeShard(db.ShardAt(s), b, clock);
                sink.Append(b.Span);
                options.Progress?.Invoke(written);
            }
        }

        b.Clear();
        b.WriteByte(RdbOpcode.Eof);
        sink.Append(b.Span);
        sink.WriteChecksum();
        return written;
    }

    /// <summary>Encodes one shard's live keys under its lock; returns how many.</summary>
    private static long EncodeShard(Shard shard, RdbBuffer b, in RdbClock clock)
    {
        long keys = 0;
        lock (shard.Lock)
        {
            int high = shard.HighWater;
            for (int i = 0; i < high; i++)
            {
                ref var e = ref shard.At(i);
                if (e.Key is null || !RdbValueEncoder.CanWrite(e.Kind)) continue;
                if (e.ExpireAt != 0 && e.ExpireAt <= clock.UnixMs) continue;
                WriteKey(b, ref e, clock);
                keys++;
            }
        }
        return keys;
    }

    /// <summary>One key record: [EXPIRETIME_MS] type key value.</summary>
    public static void WriteKey(RdbBuffer b, ref Entry e, in RdbClock clock)
    {
        if (e.ExpireAt != 0)
        {
            b.WriteByte(RdbOpcode.ExpireTimeMs);
            b.WriteInt64LittleEndian(e.ExpireAt);
        }
        byte type = RdbValueEncoder.TypeOf(e);
        b.WriteByte(type);
        b.WriteString(e.Key);
        RdbValueEncoder.WriteValue(b, type, e, clock);
    }

    private static void WriteAux(RdbBuffer b, string name, string value)
    {
        b.WriteByte(RdbOpcode.Aux);
        b.WriteString(Encoding.UTF8.GetBytes(name));
        b.WriteString(Encoding.UTF8.GetBytes(value));
    }

    private static void WriteAux(RdbBuffer b, string name, long value)
    {
        b.WriteByte(RdbOpcode.Aux);
        b.WriteString(Encoding.UTF8.GetBytes(name));
        b.WriteIntegerString(value);
    }

    /// <summary>Forwards bytes to the output and keeps their CRC64.</summary>
    private sealed class ChecksumSink(Stream output, bool checksum)
    {
        private ulong _crc;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (checksum) _crc = Crc64.Update(_crc, bytes);
            output.Write(bytes);
        }

        public void WriteChecksum()
        {
            Span<byte> trailer = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(trailer, checksum ? _crc : 0);
            output.Write(trailer);
        }
    }
}
