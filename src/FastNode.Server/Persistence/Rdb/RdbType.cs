namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Value types of the RDB format (Redis's RDB_TYPE_*). Append only: the values are part of the file format and of
/// DUMP payloads.
/// </summary>
public static class RdbType
{
    public const byte String = 0;
    public const byte List = 1;
    public const byte Set = 2;
    public const byte ZSet = 3;
    public const byte Hash = 4;
    public const byte ZSet2 = 5;
    public const byte Module = 6;
    public const byte Module2 = 7;
    public const byte HashZipmap = 9;
    public const byte ListZiplist = 10;
    public const byte SetIntset = 11;
    public const byte ZSetZiplist = 12;
    public const byte HashZiplist = 13;
    public const byte ListQuicklist = 14;
    public const byte StreamListpacks = 15;
    public const byte HashListpack = 16;
    public const byte ZSetListpack = 17;
    public const byte ListQuicklist2 = 18;
    public const byte StreamListpacks2 = 19;
    public const byte SetListpack = 20;
    public const byte StreamListpacks3 = 21;

    /// <summary>The RDB version FastNode writes (Redis 7.0's) and the newest it reads.</summary>
    public const int Version = 10;

    public static bool IsStream(byte type) => type is StreamListpacks or StreamListpacks2 or StreamListpacks3;

    /// <summary>True for every byte that may start a value (anything else where a type belongs is corruption).</summary>
    public static bool IsValueType(byte type) => type <= ZSet2 || (type >= Module2 && type <= StreamListpacks3 && type != 8);
}
