namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// The special bytes that may stand where a value type is expected in an RDB file (Redis 7.0's RDB_OPCODE_*).
/// Append only: the values are part of the file format.
/// </summary>
public static class RdbOpcode
{
    /// <summary>Function library (Redis 7.0 GA): the library's code as one string, before the databases.</summary>
    public const byte Function2 = 245;
    /// <summary>Function library of the 7.0 release candidates: refused.</summary>
    public const byte Function = 246;
    /// <summary>Module auxiliary data: module id, when, then the module opcodes up to EOF.</summary>
    public const byte ModuleAux = 247;
    /// <summary>LRU idle seconds of the next key (a length).</summary>
    public const byte Idle = 248;
    /// <summary>LFU frequency of the next key (one byte).</summary>
    public const byte Freq = 249;
    /// <summary>An auxiliary field: two strings, name and value.</summary>
    public const byte Aux = 250;
    /// <summary>Hash table size hints of the current database: two lengths.</summary>
    public const byte ResizeDb = 251;
    /// <summary>Absolute expiry of the next key, Unix ms, 8 bytes little endian.</summary>
    public const byte ExpireTimeMs = 252;
    /// <summary>Absolute expiry of the next key, Unix seconds, 4 bytes little endian (old files).</summary>
    public const byte ExpireTime = 253;
    /// <summary>Database number of the keys that follow (a length).</summary>
    public const byte SelectDb = 254;
    /// <summary>End of the data; an 8-byte CRC64 follows from version 5 on.</summary>
    public const byte Eof = 255;
}
