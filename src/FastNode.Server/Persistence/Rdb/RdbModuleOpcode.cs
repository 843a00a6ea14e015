namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// The typed items a module value is made of in RDB_TYPE_MODULE_2 (Redis's RDB_MODULE_OPCODE_*), each written as a
/// length then its value, so tools such as redis-check-rdb can walk a value without the module. Append only: the
/// values are part of the file format.
/// </summary>
public static class RdbModuleOpcode
{
    public const ulong Eof = 0;
    /// <summary>Signed integer, written as the length of its two's complement bits.</summary>
    public const ulong SInt = 1;
    /// <summary>Unsigned integer, written as a length.</summary>
    public const ulong UInt = 2;
    public const ulong Float = 3;
    public const ulong Double = 4;
    /// <summary>A string in the usual string encodings.</summary>
    public const ulong String = 5;
}
