namespace FastNode.Server.Commands.Geo;

/// <summary>Which geo search command runs (Redis's RADIUS_* / GEOSEARCH flags).</summary>
[Flags]
internal enum GeoSearchKind : byte
{
    /// <summary>GEORADIUS: the center is a longitude and latitude at arguments 2 and 3.</summary>
    Coordinates = 1,
    /// <summary>GEORADIUSBYMEMBER: the center is the member at argument 2.</summary>
    Member = 2,
    /// <summary>The _RO forms: no STORE / STOREDIST.</summary>
    NoStore = 4,
    /// <summary>GEOSEARCH: FROMMEMBER/FROMLONLAT and BYRADIUS/BYBOX options.</summary>
    Search = 8,
    /// <summary>GEOSEARCHSTORE: the destination at argument 1, STOREDIST as a bare flag.</summary>
    SearchStore = 16,
}
