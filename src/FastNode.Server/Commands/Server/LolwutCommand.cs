using System.Text;
using FastNode.Protocol;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// LOLWUT [VERSION v] [arg ...]: a piece of computer art and the version, in the shapes Redis 7.0 answers with (a
/// verbatim text): VERSION 5 draws squares in Unicode braille that fall into disorder row by row (args: columns,
/// squares per row, squares per column), VERSION 6 an ANSI-coloured skyline (args: columns, rows), any other version
/// just the version line. FastNode draws its own pictures. Cold path: builds strings.
/// </summary>
public static class LolwutCommand
{
    public static void Lolwut(ref CommandContext ctx)
    {
        var args = ctx.Args;
        long version = 7;
        int first = 1;
        if (args.Count >= 3 && Ascii.EqualsIgnoreCase(args[1], "VERSION"u8))
        {
            if (!Numbers.TryParseInt64(args[2], out version))
            {
                ctx.Writer.WriteError(RespErrors.NotInteger);
                return;
            }
            first = 3;
        }
        Span<long> numbers = stackalloc long[3];
        int given = Math.Min(3, Math.Max(0, args.Count - first));
        for (int i = 0; i < given && version is 5 or 6; i++)
        {
            if (!Numbers.TryParseInt64(args[first + i], out numbers[i]))
            {
                ctx.Writer.WriteError(RespErrors.NotInteger);
                return;
            }
        }
        string footer = "Redis ver. " + ServerInfo.RedisVersion + "\n";
        string text = version switch
        {
            5 => Squares(Clamp(numbers[0], given > 0, 66, 1000), Clamp(numbers[1], given > 1, 8, 200), Clamp(numbers[2], given > 2, 12, 200))
                + "\nSquares that lose their order row by row, after Georg Nees's plotter drawings of 1968. " + footer,
            6 => Skyline(Clamp(numbers[0], given > 0, 80, 1000), Clamp(numbers[1], given > 1, 20, 1000))
                + "\nA city at night, one coloured block at a time. " + footer,
            _ => footer,
        };
        ctx.Writer.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(text));
    }

    private static int Clamp(long value, bool given, int fallback, int max) => given ? (int)Math.Clamp(value, 1, max) : fallback;

    /// <summary>Squares on a braille canvas (2x4 dots per character), rotated and shifted more the lower the row.</summary>
    private static string Squares(int columns, int perRow, int perColumn)
    {
        int width = columns * 2;
        int side = Math.Max(1, width / (perRow + 2));
        int pad = side;
        int height = side * perColumn + pad * 2;
        var dots = new bool[width, height];
        var random = Random.Shared;
        for (int row = 0; row < perColumn; row++)
        {
            for (int col = 0; col < perRow; col++)
            {
                double disorder = (double)row / perColumn;
                double angle = (random.NextDouble() * 2 - 1) * disorder * Math.PI / 4;
                double cx = pad + col * side + side / 2.0 + (random.NextDouble() * 2 - 1) * disorder * side / 3;
                double cy = pad + row * side + side / 2.0 + (random.NextDouble() * 2 - 1) * disorder * side / 3;
                Span<(int X, int Y)> corners = stackalloc (int, int)[4];
                for (int k = 0; k < 4; k++)
                {
                    double a = angle + Math.PI / 4 + k * Math.PI / 2;
                    double r = side / 2.0 * Math.Sqrt(2) * 0.9;
                    corners[k] = ((int)Math.Round(cx + r * Math.Cos(a)), (int)Math.Round(cy + r * Math.Sin(a)));
                }
                for (int k = 0; k < 4; k++) Line(dots, corners[k], corners[(k + 1) % 4]);
            }
        }
        return Braille(dots);
    }

    private static void Line(bool[,] dots, (int X, int Y) from, (int X, int Y) to)
    {
        int dx = Math.Abs(to.X - from.X), dy = -Math.Abs(to.Y - from.Y);
        int sx = from.X < to.X ? 1 : -1, sy = from.Y < to.Y ? 1 : -1;
        int error = dx + dy, x = from.X, y = from.Y;
        while (true)
        {
            if (x >= 0 && y >= 0 && x < dots.GetLength(0) && y < dots.GetLength(1)) dots[x, y] = true;
            if (x == to.X && y == to.Y) return;
            int twice = 2 * error;
            if (twice >= dy)
            {
                error += dy;
                x += sx;
            }
            if (twice <= dx)
            {
                error += dx;
                y += sy;
            }
        }
    }

    /// <summary>Unicode braille: each character shows a 2x4 block of dots (U+2800 plus one bit per dot).</summary>
    private static string Braille(bool[,] dots)
    {
        ReadOnlySpan<int> bit = [0x01, 0x08, 0x02, 0x10, 0x04, 0x20, 0x40, 0x80];   // (x, y) at index y * 2 + x
        var sb = new StringBuilder();
        for (int y = 0; y < dots.GetLength(1); y += 4)
        {
            for (int x = 0; x < dots.GetLength(0); x += 2)
            {
                int code = 0;
                for (int dy = 0; dy < 4 && y + dy < dots.GetLength(1); dy++)
                {
                    for (int dx = 0; dx < 2 && x + dx < dots.GetLength(0); dx++)
                    {
                        if (dots[x + dx, y + dy]) code |= bit[dy * 2 + dx];
                    }
                }
                sb.Append((char)(0x2800 + code));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Buildings of random heights against a dark sky, drawn with ANSI background colours.</summary>
    private static string Skyline(int columns, int rows)
    {
        var heights = new int[columns];
        var random = Random.Shared;
        for (int x = 0; x < columns;)
        {
            int width = random.Next(3, 9), height = random.Next(rows / 4, rows + 1);
            for (int i = 0; i < width && x < columns; i++, x++) heights[x] = height;
        }
        var sb = new StringBuilder();
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < columns; x++)
            {
                bool building = rows - y <= heights[x];
                string colour = !building ? "0;30;40" : random.Next(6) == 0 ? "0;93;103" : "0;90;100";
                sb.Append("\u001b[").Append(colour).Append("m \u001b[0m");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
