using FastNode.Server.Commands.Sort;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.Geo;

/// <summary>
/// Finds the members of a geo set inside a shape, in Redis's order: the 9 covering cells one after the other (each
/// a score range [cell min, next cell min) walked upwards), skipping excluded cells and a cell equal to the one
/// scanned just before it; with a limit (COUNT ... ANY) it stops as soon as that many were found.
/// Runs under the set's shard lock; the points are kept in a per-thread buffer.
/// </summary>
internal static class GeoScan
{
    [ThreadStatic] private static GeoPoint[]? t_points;

    /// <summary>The points found; valid until the next scan on this thread (call <see cref="Release"/> when done).</summary>
    public static Span<GeoPoint> Find(SortedSetValue z, in GeoShape shape, long limit)
    {
        var points = t_points ??= new GeoPoint[16];
        int used = 0;
        Span<ulong> cells = stackalloc ulong[9];
        int excluded = shape.CoveringCells(cells, out int step);
        int lastScanned = 0;
        for (int i = 0; i < 9; i++)
        {
            if ((excluded & (1 << i)) != 0) continue;
            // Very large radii make adjacent cells coincide: scanning one twice would report its members twice.
            if (lastScanned != 0 && cells[i] == cells[lastScanned]) continue;
            if (used > 0 && limit > 0 && used >= limit) break;
            ScanCell(z, shape, cells[i], step, ref points, ref used, limit);
            lastScanned = i;
        }
        t_points = points;
        return points.AsSpan(0, used);
    }

    /// <summary>Drops the references the last scan kept (so nodes of deleted sets are not held by the thread).</summary>
    public static void Release(Span<GeoPoint> points) => points.Clear();

    private static void ScanCell(SortedSetValue z, in GeoShape shape, ulong cell, int step, ref GeoPoint[] points, ref int used, long limit)
    {
        double min = GeoHash.Align52(cell, step);
        double max = GeoHash.Align52(cell + 1, step);
        var range = new ScoreRange(min, false, max, true);
        for (var p = z.AtRank(z.FirstRank(range)); p.IsValid; p = z.Next(p))
        {
            double score = z.ScoreAt(p);
            if (!range.BelowMax(score)) break;
            if (shape.Contains(score, out double longitude, out double latitude, out double distance))
            {
                if (used == points.Length) Array.Resize(ref points, points.Length * 2);
                points[used++] = new GeoPoint { Longitude = longitude, Latitude = latitude, Distance = distance, Score = score, Position = p };
            }
            if (used > 0 && limit > 0 && used >= limit) break;
        }
    }

    /// <summary>Orders points by distance, ascending or descending (Redis's sort_gp_asc / sort_gp_desc).</summary>
    public readonly struct ByDistance(bool descending) : IItemComparer<GeoPoint>
    {
        public int Compare(in GeoPoint a, in GeoPoint b)
        {
            int ascending = a.Distance > b.Distance ? 1 : a.Distance == b.Distance ? 0 : -1;
            return descending ? -ascending : ascending;
        }
    }
}
