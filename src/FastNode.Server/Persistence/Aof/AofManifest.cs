using System.Globalization;
using System.Text;

namespace FastNode.Server.Persistence.Aof;

/// <summary>
/// The manifest of a Redis 7.0 multi-part AOF (appenddirname/appendfilename.manifest): one base file, then the
/// incremental files in order, each line <c>file NAME seq N type b|h|i</c>. History files (h) are old parts that a
/// finished rewrite made obsolete; they are deleted and never loaded.
/// </summary>
public sealed class AofManifest
{
    public sealed record Part(string Name, long Seq, char Type);

    public Part? Base { get; set; }
    public List<Part> Increments { get; } = [];
    public List<Part> History { get; } = [];

    public long LastBaseSeq => Base?.Seq ?? 0;
    public long LastIncrementSeq => Increments.Count > 0 ? Increments[^1].Seq : History.Where(p => p.Type == 'i').Select(p => p.Seq).DefaultIfEmpty(0).Max();

    public static string BaseName(string prefix, long seq, bool rdb) => $"{prefix}.{seq}.base.{(rdb ? "rdb" : "aof")}";

    public static string IncrementName(string prefix, long seq) => $"{prefix}.{seq}.incr.aof";

    public static string FileName(string prefix) => prefix + ".manifest";

    /// <summary>Parses a manifest; the error says which line is wrong, as Redis's "Invalid AOF manifest file format".</summary>
    public static AofManifest Parse(string text, out string? error)
    {
        var manifest = new AofManifest();
        error = null;
        int lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string? name = null;
            long seq = -1;
            char type = '\0';
            for (int i = 0; i + 1 < fields.Length; i += 2)
            {
                switch (fields[i])
                {
                    case "file": name = Unquote(fields[i + 1]); break;
                    case "seq": long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out seq); break;
                    case "type": type = fields[i + 1].Length == 1 ? fields[i + 1][0] : '\0'; break;
                }
            }
            if (name is null || seq < 0 || type is not ('b' or 'h' or 'i') || name.Contains('/'))
            {
                error = $"Invalid AOF manifest file format (line {lineNumber})";
                return manifest;
            }
            var part = new Part(name, seq, type);
            if (type == 'b')
            {
                if (manifest.Base is not null)
                {
                    error = "Found duplicate base file information";
                    return manifest;
                }
                manifest.Base = part;
            }
            else if (type == 'i') manifest.Increments.Add(part);
            else manifest.History.Add(part);
        }
        if (manifest.Base is null && manifest.Increments.Count == 0 && manifest.History.Count == 0) error = "Found an empty AOF manifest";
        return manifest;
    }

    public string Format()
    {
        var text = new StringBuilder();
        if (Base is not null) Line(text, Base);
        foreach (var part in History) Line(text, part);
        foreach (var part in Increments) Line(text, part);
        return text.ToString();
    }

    private static void Line(StringBuilder text, Part part) =>
        text.Append("file ").Append(part.Name).Append(" seq ").Append(part.Seq.ToString(CultureInfo.InvariantCulture))
            .Append(" type ").Append(part.Type).Append('\n');

    private static string Unquote(string field) =>
        field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1] : field;
}
