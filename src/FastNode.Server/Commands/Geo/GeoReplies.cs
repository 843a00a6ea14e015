using System.Globalization;
using FastNode.Protocol;

namespace FastNode.Server.Commands.Geo;

/// <summary>How the geo commands print numbers, each as Redis 7.0 does.</summary>
internal static class GeoReplies
{
    /// <summary>A distance: printf "%.4f" in a bulk string, under RESP2 and RESP3 alike (addReplyDoubleDistance).</summary>
    public static void WriteDistance(ref RespWriter writer, double meters)
    {
        Span<byte> text = stackalloc byte[352];
        int n = FormatFixed(meters, 4, text);
        writer.WriteBulkString(text.Slice(0, n));
    }

    /// <summary>
    /// A coordinate as addReplyHumanLongDouble: "%.17Lf" with trailing zeros (and a bare point) dropped, in a bulk
    /// string under RESP2 and as a RESP3 double.
    /// </summary>
    public static void WriteCoordinate(ref RespWriter writer, double degrees)
    {
        Span<byte> text = stackalloc byte[352];
        int n = FormatFixed(degrees, 17, text);
        if (!double.IsInfinity(degrees) && !double.IsNaN(degrees))
        {
            int point = text.Slice(0, n).IndexOf((byte)'.');
            if (point >= 0)
            {
                while (n > point && text[n - 1] == (byte)'0') n--;
                if (n - 1 == point) n--;
            }
            if (n == 2 && text[0] == (byte)'-' && text[1] == (byte)'0')
            {
                text[0] = (byte)'0';
                n = 1;
            }
        }
        if (!writer.Resp3)
        {
            writer.WriteBulkString(text.Slice(0, n));
            return;
        }
        Span<byte> line = stackalloc byte[356];
        line[0] = (byte)',';
        text.Slice(0, n).CopyTo(line.Slice(1));
        line[n + 1] = (byte)'\r';
        line[n + 2] = (byte)'\n';
        writer.WriteRaw(line.Slice(0, n + 3));
    }

    /// <summary>
    /// printf's "%.Nf": the exact value rounded to N decimals (.NET formats doubles exactly since Core 3.0), "inf",
    /// "-inf" and "nan" as glibc prints them. 352 bytes hold any double.
    /// </summary>
    public static int FormatFixed(double value, int decimals, Span<byte> destination)
    {
        if (double.IsNaN(value)) return Copy(double.IsNegative(value) ? "-nan"u8 : "nan"u8, destination);
        if (double.IsPositiveInfinity(value)) return Copy("inf"u8, destination);
        if (double.IsNegativeInfinity(value)) return Copy("-inf"u8, destination);
        value.TryFormat(destination, out int written, decimals == 4 ? "F4" : decimals == 6 ? "F6" : "F17", CultureInfo.InvariantCulture);
        return written;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    /// <summary>The error GEOADD and FROMLONLAT give for a pair outside the geo limits ("%f,%f").</summary>
    public static string InvalidPair(double longitude, double latitude)
    {
        Span<byte> lon = stackalloc byte[352];
        Span<byte> lat = stackalloc byte[352];
        int a = FormatFixed(longitude, 6, lon), b = FormatFixed(latitude, 6, lat);
        return $"ERR invalid longitude,latitude pair {System.Text.Encoding.ASCII.GetString(lon.Slice(0, a))},{System.Text.Encoding.ASCII.GetString(lat.Slice(0, b))}";
    }
}
