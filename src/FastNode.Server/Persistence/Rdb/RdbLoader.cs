using System.Text;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Loads an RDB file (versions 1 to 10) into the server's databases. Stops right after the EOF opcode and its
/// checksum: bytes after them in the stream are left unread (an AOF with an RDB preamble continues there).
/// A corrupt or unsupported file throws one <see cref="RdbFormatException"/> naming the byte offset; keys loaded
/// before the problem stay loaded (start-up then refuses to run, as Redis does).
/// </summary>
public static class RdbLoader
{
    public static RdbLoadResult Load(Stream input, ServerState server, RdbLoadOptions? options = null)
    {
        options ??= new RdbLoadOptions();
        var r = new RdbReader(input, options.ReadAhead);
        int version = ReadHeader(r);
        var result = new RdbLoadResult { Version = version };
        var clock = RdbClock.Of(server);
        var db = server.Database(0);
        long expireAt = 0;
        long idle = -1;
        List<byte[]>? libraries = null;
        while (true)
        {
            byte type = r.ReadByte();
            switch (type)
            {
                case RdbOpcode.ExpireTimeMs:
                    expireAt = r.ReadInt64LittleEndian();
                    continue;
                case RdbOpcode.ExpireTime:
                    expireAt = r.ReadUInt32LittleEndian() * 1000L;
                    continue;
                case RdbOpcode.Freq:
                    r.ReadByte();
                    continue;
                case RdbOpcode.Idle:
                    idle = (long)Math.Min(r.ReadLength(), (ulong)uint.MaxValue);
                    continue;
                case RdbOpcode.SelectDb:
                    ulong index = r.ReadLength();
                    if (index >= (ulong)server.DatabaseCount)
                        r.Fail($"FATAL: Data file was created with a Redis server configured to handle more than {server.DatabaseCount} databases");
                    db = server.Database((int)index);
                    continue;
                case RdbOpcode.ResizeDb:
                    r.ReadLength();
                    r.ReadLength();
                    continue;
                case RdbOpcode.Aux:
                    ReadAux(r, server, result);
                    continue;
                case RdbOpcode.ModuleAux:
                    ulong moduleId = r.ReadLength();
                    options.Logger?.LogWarning("RDB: skipping AUX data of module '{Module}'", FastNodeModuleType.NameOf(moduleId));
                    r.ReadLength();   // the "when" opcode
                    r.ReadLength();   // and its value
                    RdbValueDecoder.SkipModuleOpcodes(r);
                    continue;
                case RdbOpcode.Function2:
                    (libraries ??= []).Add(r.ReadString());
                    continue;
                case RdbOpcode.Function:
                    r.Fail("function libraries of Redis 7.0 release candidates are not supported");
                    break;
                case RdbOpcode.Eof:
                    ReadChecksum(r, version, options);
                    r.Finish();
                    LoadFunctions(r, server, libraries, options);
                    result.FunctionsLoaded = libraries?.Count ?? 0;
                    return result;
            }
            if (!RdbType.IsValueType(type)) r.Fail($"unknown value type or opcode {type}");
            var key = r.ReadString();
            var value = RdbValueDecoder.Read(r, type, key, clock);
            long keyExpireAt = expireAt, keyIdle = idle;
            expireAt = 0;
            idle = -1;
            if (value is null)
            {
                options.Logger?.LogWarning("RDB: skipping empty key '{Key}'", RdbValueDecoder.Printable(key));
                continue;
            }
            if (options.SkipExpired && keyExpireAt != 0 && keyExpireAt < clock.UnixMs)
            {
                result.KeysExpired++;
                continue;
            }
            if (!RdbKeyStore.Store(server, db, key, value.Value, keyExpireAt, options.ReplaceExisting, clock.UnixMs, keyIdle))
                r.Fail($"duplicate key '{RdbValueDecoder.Printable(key)}'");
            result.KeysLoaded++;
        }
    }

    /// <summary>
    /// The file's libraries replace the server's (Redis empties its functions with the data before a full sync or a
    /// reload). Loaded after the checksum is verified, so a corrupt file never runs its code; a library that fails to
    /// load fails the whole load, as in Redis.
    /// </summary>
    private static void LoadFunctions(RdbReader r, ServerState server, List<byte[]>? libraries, RdbLoadOptions options)
    {
        if (libraries is null)
        {
            // Without a started engine there is nothing to empty (and no reason to load Lua).
            if (server.ScriptsIfStarted is { } engine && engine.PublishedLibraries.Length > 0) engine.FlushFunctions();
            return;
        }
        if (!Scripting.ScriptEngine.Available)
        {
            options.Logger?.LogWarning("RDB: skipping {Count} function libraries (scripting is unavailable: no Lua 5.1 library)", libraries.Count);
            return;
        }
        if (server.Scripts.RestoreLibraries(libraries, Scripting.RestorePolicy.Flush) is { } error)
            r.Fail($"Failed loading library: {error}");
    }

    private static int ReadHeader(RdbReader r)
    {
        Span<byte> header = stackalloc byte[9];
        r.ReadExactly(header);
        if (!header.StartsWith("REDIS"u8)) r.Fail("not an RDB file (wrong signature)");
        int version = 0;
        foreach (byte c in header.Slice(5))
        {
            if (c < '0' || c > '9') r.Fail("not an RDB file (bad version)");
            version = version * 10 + (c - '0');
        }
        if (version < 1 || version > RdbType.Version) r.Fail($"Can't handle RDB format version {version}");
        return version;
    }

    private static void ReadAux(RdbReader r, ServerState server, RdbLoadResult result)
    {
        var name = Encoding.UTF8.GetString(r.ReadString());
        var value = r.ReadString();
        var text = Encoding.UTF8.GetString(value);
        result.Aux[name] = text;
        if (name == RdbAuxFields.FencingToken && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long token))
            server.FencingTokens.RaiseTo(token);
    }

    private static void ReadChecksum(RdbReader r, int version, RdbLoadOptions options)
    {
        if (version < 5) return;
        ulong computed = r.Crc;
        long stored = r.ReadInt64LittleEndian();
        if (stored != 0 && options.VerifyChecksum && (ulong)stored != computed)
            r.Fail($"Wrong RDB checksum expected: ({(ulong)stored:x}) but got ({computed:x})");
    }
}
