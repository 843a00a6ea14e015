namespace FastNode.Server.Commands.Geo;

/// <summary>
/// What a GEOSEARCH / GEORADIUS looks for: a circle or an axis-aligned box around a center, with the unit its sizes
/// and the reply's distances are in.
/// </summary>
public struct GeoShape
{
    /// <summary>Center longitude and latitude in degrees.</summary>
    public double Longitude, Latitude;
    /// <summary>Meters per unit (m 1, km 1000, ft 0.3048, mi 1609.34).</summary>
    public double Conversion;
    /// <summary>Circle radius in the unit (when not a box).</summary>
    public double Radius;
    /// <summary>Box width and height in the unit (when <see cref="IsBox"/>).</summary>
    public double Width, Height;
    public bool IsBox;

    /// <summary>
    /// Whether a stored score's point is inside the shape, with its coordinates and its distance to the center in
    /// meters (geoWithinShape).
    /// </summary>
    public readonly bool Contains(double score, out double longitude, out double latitude, out double distance)
    {
        GeoHash.DecodeScore(score, out longitude, out latitude);
        if (IsBox) return GeoDistance.InRectangle(Width * Conversion, Height * Conversion, Longitude, Latitude, longitude, latitude, out distance);
        distance = GeoDistance.Meters(Longitude, Latitude, longitude, latitude);
        return !(distance > Radius * Conversion);
    }

    /// <summary>
    /// The cells to scan (geohashCalculateAreasByShapeWGS84): the center's cell at the estimated step, one step
    /// coarser when a neighbour would not reach the bounding box, and its 8 neighbours minus those entirely outside.
    /// Bit i of the returned mask set means cell i was excluded; all cells have <paramref name="step"/>.
    /// </summary>
    public readonly int CoveringCells(Span<ulong> cells, out int step)
    {
        BoundingBox(out double minLon, out double minLat, out double maxLon, out double maxLat);
        double radiusMeters = IsBox ? Math.Sqrt((Width / 2) * (Width / 2) + (Height / 2) * (Height / 2)) : Radius;
        radiusMeters *= Conversion;
        step = GeoDistance.EstimateSteps(radiusMeters, Latitude);
        GeoHash.TryEncode(Longitude, Latitude, step, out ulong hash);
        var neighbors = GeoHash.Neighbors(hash, step);
        var area = GeoHash.Decode(hash, step);

        // Near a cell's edge the estimated step can leave part of the box outside the 9 cells.
        bool decrease = GeoHash.Decode(neighbors.North, step).LatMax < maxLat
            || GeoHash.Decode(neighbors.South, step).LatMin > minLat
            || GeoHash.Decode(neighbors.East, step).LonMax < maxLon
            || GeoHash.Decode(neighbors.West, step).LonMin > minLon;
        if (step > 1 && decrease)
        {
            step--;
            GeoHash.TryEncode(Longitude, Latitude, step, out hash);
            neighbors = GeoHash.Neighbors(hash, step);
            area = GeoHash.Decode(hash, step);
        }

        // Redis's scan order: the center, N, S, E, W, NE, NW, SE, SW.
        const int N = 1 << 1, S = 1 << 2, E = 1 << 3, W = 1 << 4, NE = 1 << 5, NW = 1 << 6, SE = 1 << 7, SW = 1 << 8;
        int excluded = 0;
        if (step >= 2)
        {
            if (area.LatMin < minLat) excluded |= S | SW | SE;
            if (area.LatMax > maxLat) excluded |= N | NE | NW;
            if (area.LonMin < minLon) excluded |= W | SW | NW;
            if (area.LonMax > maxLon) excluded |= E | SE | NE;
        }
        cells[0] = hash;
        cells[1] = neighbors.North;
        cells[2] = neighbors.South;
        cells[3] = neighbors.East;
        cells[4] = neighbors.West;
        cells[5] = neighbors.NorthEast;
        cells[6] = neighbors.NorthWest;
        cells[7] = neighbors.SouthEast;
        cells[8] = neighbors.SouthWest;
        return excluded;
    }

    /// <summary>The degrees the shape spans (geohashBoundingBox): wider in longitude on the side nearer a pole.</summary>
    private readonly void BoundingBox(out double minLon, out double minLat, out double maxLon, out double maxLat)
    {
        double height = Conversion * (IsBox ? Height / 2 : Radius);
        double width = Conversion * (IsBox ? Width / 2 : Radius);
        double latDelta = GeoDistance.ToDegrees(height / GeoDistance.EarthRadiusMeters);
        double lonDeltaTop = GeoDistance.ToDegrees(width / GeoDistance.EarthRadiusMeters / Math.Cos(GeoDistance.ToRadians(Latitude + latDelta)));
        double lonDeltaBottom = GeoDistance.ToDegrees(width / GeoDistance.EarthRadiusMeters / Math.Cos(GeoDistance.ToRadians(Latitude - latDelta)));
        bool southern = Latitude < 0;
        minLon = southern ? Longitude - lonDeltaBottom : Longitude - lonDeltaTop;
        maxLon = southern ? Longitude + lonDeltaBottom : Longitude + lonDeltaTop;
        minLat = Latitude - latDelta;
        maxLat = Latitude + latDelta;
    }
}
