namespace FastNode.Server.Commands.Geo;

/// <summary>
/// Distances on Redis's sphere (geohash_helper.c semantics): the haversine formula with Redis's earth radius, in the
/// same operation order as Redis 7.0 so results match it to the last bit (Math.Sin/Cos/Asin call the same libm).
/// </summary>
public static class GeoDistance
{
    /// <summary>Redis's EARTH_RADIUS_IN_METERS (the WGS-84 quadratic mean radius).</summary>
    public const double EarthRadiusMeters = 6372797.560856;

    /// <summary>Redis's MERCATOR_MAX, the bound of its step estimate.</summary>
    public const double MercatorMax = 20037726.37;

    private const double DegreesToRadians = Math.PI / 180.0;

    public static double ToRadians(double degrees) => degrees * DegreesToRadians;

    public static double ToDegrees(double radians) => radians / DegreesToRadians;

    /// <summary>Great-circle distance in meters between two points given in degrees (geohashGetDistance).</summary>
    public static double Meters(double lon1, double lat1, double lon2, double lat2)
    {
        double lat1r = ToRadians(lat1);
        double lon1r = ToRadians(lon1);
        double lat2r = ToRadians(lat2);
        double lon2r = ToRadians(lon2);
        double u = Math.Sin((lat2r - lat1r) / 2);
        double v = Math.Sin((lon2r - lon1r) / 2);
        return 2.0 * EarthRadiusMeters * Math.Asin(Math.Sqrt(u * u + Math.Cos(lat1r) * Math.Cos(lat2r) * v * v));
    }

    /// <summary>
    /// Whether (x2, y2) is inside the box of <paramref name="widthMeters"/> by <paramref name="heightMeters"/>
    /// centered on (x1, y1), measured along the parallel and the meridian of the point; then its distance to the center
    /// (geohashGetDistanceIfInRectangle).
    /// </summary>
    public static bool InRectangle(double widthMeters, double heightMeters, double x1, double y1, double x2, double y2, out double distance)
    {
        distance = 0;
        double lonDistance = Meters(x2, y2, x1, y2);
        double latDistance = Meters(x2, y2, x2, y1);
        if (lonDistance > widthMeters / 2 || latDistance > heightMeters / 2) return false;
        distance = Meters(x1, y1, x2, y2);
        return true;
    }

    /// <summary>Bits per coordinate of the 9 cells that cover a search of this radius (geohashEstimateStepsByRadius).</summary>
    public static int EstimateSteps(double rangeMeters, double latitude)
    {
        if (rangeMeters == 0) return 26;
        int step = 1;
        while (rangeMeters < MercatorMax)
        {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        // Cells narrow towards the poles.
        if (latitude > 66 || latitude < -66)
        {
            step--;
            if (latitude > 80 || latitude < -80) step--;
        }
        return Math.Clamp(step, 1, 26);
    }
}
