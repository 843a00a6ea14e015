using System.Buffers;
using System.Text;
using FastNode.Server.Persistence.Snapshots;
using FastNode.Server.Storage;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Writes a complete RDB version 10 file of every database without stopping the server: .NET cannot fork, so the
/// file is a point-in-time snapshot taken shard by shard (<see cref="SnapshotCapture"/>): writers pause for an instant
/// to fix the point, a writer about to change a shard not yet saved saves it first, and the rest is encoded in the
/// background. Keys whose TTL had passed are left out. Lock waiters are not saved (they are connections). The function
/// libraries are those at the point, written after the AUX fields as Redis 7.0 writes them (opcode 245 each).
/// </summary>
public sealed class RdbSnapshot : ISnapshotEncoder
{
    public static readonly byte[] Magic = "REDIS0010"u8.ToArray();

    [ThreadStatic] private static RdbBuffer? t_buffer;

    private readonly ServerState _server;
    private readonly RdbSaveOptions _options;
    private readonly RdbClock _clock;
    private ulong _crc;
    private long _keys;
    private Scripting.FunctionLibrary[] _libraries = [];   // the function libraries at the point

    public RdbSnapshot(ServerState server, RdbSaveOptions? options = null)
    {
        _server = server;
        _options = options ?? new RdbSaveOptions();
        _clock = RdbClock.Of(server);
    }

    /// <summary>Writes header, AUX fields, every non-empty database, EOF and the checksum. Returns the keys written.</summary>
    /// <paramref name="atPoint"/> runs at the snapshot's point, with writers paused (to read what the header records).
    public static long Write(ServerState server, Stream output, RdbSaveOptions? options = null, Action? atPoint = null) =>
        SnapshotCapture.Start(server, new RdbSnapshot(server, options), atPoint).WriteTo(output);

    public void AtPoint() => _libraries = _server.ScriptsIfStarted?.PublishedLibraries ?? [];

    public void WriteHeader(IBufferWriter<byte> output)
    {
        var b = Buffer();
        b.Write(Magic);
        WriteAux(b, "redis-ver", ServerInfo.RedisVersion);
        WriteAux(b, "redis-bits", 64);
        WriteAux(b, "ctime", _clock.UnixMs / 1000);
        WriteAux(b, "used-mem", GC.GetTotalMemory(false));
        WriteAux(b, "aof-base", _options.AofBase ? 1 : 0);
        WriteAux(b, RdbAuxFields.FencingToken, _server.FencingTokens.Last);
        foreach (var (name, value) in _options.ExtraAux ?? [])
            WriteAux(b, name, value);
        // After the AUX fields and before the data, as Redis 7.0's rdbSaveFunctions: one opcode and the code each.
        foreach (var library in _libraries)
        {
            b.WriteByte(RdbOpcode.Function2);
            b.WriteString(library.Code);
        }
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

    /// <summary>One key (under its shard's lock, on whichever thread captures the shard).</summary>
    public void WriteEntry(IBufferWriter<byte> output, in Entry entry)
    {
        if (!RdbValueEncoder.CanWrite(entry.Kind)) return;
        if (entry.ExpireAt != 0 && entry.ExpireAt <= _clock.UnixMs) return;
        var b = Buffer();
        WriteKey(b, entry, _clock);
        output.Write(b.Span);
        long keys = Interlocked.Increment(ref _keys);
        if ((keys & 1023) == 0) _options.Progress?.Invoke(keys);
    }

    public void Observe(ReadOnlySpan<byte> written)
    {
        if (_options.Checksum) _crc = Crc64.Update(_crc, written);
    }

    public void WriteFooter(IBufferWriter<byte> output)
    {
        var trailer = output.GetSpan(9);
        trailer[0] = RdbOpcode.Eof;
        _crc = _options.Checksum ? Crc64.Update(_crc, trailer.Slice(0, 1)) : 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(trailer.Slice(1), _crc);
        output.Advance(9);
        _options.Progress?.Invoke(Interlocked.Read(ref _keys));
    }

    /// <summary>One key record: [EXPIRETIME_MS] type key value.</summary>
    public static void WriteKey(RdbBuffer b, in Entry e, in RdbClock clock)
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

    /// <summary>This thread's encoding buffer, emptied (keys are encoded on the snapshot's thread and by writers).</summary>
    private RdbBuffer Buffer()
    {
        var b = t_buffer ??= new RdbBuffer(64 * 1024);
        b.Clear();
        b.Compress = _options.Compression;
        return b;
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
}
