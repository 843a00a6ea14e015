using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.Geo;

/// <summary>A member found by a geo search: where it is, its distance to the center (meters, then the unit) and its score.</summary>
internal struct GeoPoint
{
    public double Longitude;
    public double Latitude;
    public double Distance;
    public double Score;
    /// <summary>The member in the searched set; valid only while its shard lock is held and the set unchanged.</summary>
    public SortedSetPosition Position;
}
