namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the geo group.</summary>
public static class GeoDocs
{
    private const string Search = "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape";
    private const string Unit = "(M|KM|FT|MI){unit}";
    private const string Options = "[WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count=i [ANY]] [ASC|DESC]";

    public static readonly CommandDoc[] All =
    [
        new("GEOADD", "3.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
            "Adds members with their longitude and latitude to a geo set (a sorted set).",
            "key [NX|XX]{condition} [CH] (longitude=d latitude=d member){data} ..."),
        new("GEODIST", "3.2.0", "O(log(N))", "Returns the distance between two members of a geo set.", $"key member1 member2 [{Unit}]"),
        new("GEOHASH", "3.2.0", "O(log(N)) for each member requested", "Returns the standard geohash strings of members.", "key [member ...]"),
        new("GEOPOS", "3.2.0", "O(N) where N is the number of members requested.", "Returns the longitude and latitude of members.", "key [member ...]"),
        new("GEORADIUS", "3.2.0", Search, "Finds members within a radius of a point, optionally storing the result.",
            $"key longitude=d latitude=d radius=d {Unit} {Options} [STORE key=k] [STOREDIST key=k]") { KeyFlags = "RO access" },
        new("GEORADIUSBYMEMBER", "3.2.0", Search, "Finds members within a radius of a member, optionally storing the result.",
            $"key member radius=d {Unit} {Options} [STORE key=k] [STOREDIST key=k]") { KeyFlags = "RO access" },
        new("GEORADIUS_RO", "3.2.10", Search, "Finds members within a radius of a point.", $"key longitude=d latitude=d radius=d {Unit} {Options}"),
        new("GEORADIUSBYMEMBER_RO", "3.2.10", Search, "Finds members within a radius of a member.", $"key member radius=d {Unit} {Options}"),
        new("GEOSEARCH", "6.2.0", Search, "Finds members inside a circle or a box around a point or a member.",
            $"key (FROMMEMBER member|FROMLONLAT longitude=d latitude=d){{from}} (BYRADIUS radius=d {Unit}|BYBOX width=d height=d {Unit}){{by}} [ASC|DESC] [COUNT count=i [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]"),
        new("GEOSEARCHSTORE", "6.2.0", Search, "Stores the members inside a circle or a box around a point or a member.",
            $"destination=k source=k (FROMMEMBER member|FROMLONLAT longitude=d latitude=d){{from}} (BYRADIUS radius=d {Unit}|BYBOX width=d height=d {Unit}){{by}} [ASC|DESC] [COUNT count=i [ANY]] [STOREDIST]"),
    ];
}
