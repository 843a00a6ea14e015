using System.Globalization;
using System.Text.RegularExpressions;

namespace FastNode.IntegrationTests.Monitoring;

/// <summary>
/// A strict parser of the Prometheus text exposition format (version 0.0.4), enough to check /metrics: every line is
/// a `# HELP name text`, a `# TYPE name type`, or a sample `name{label="value",...} number`; a sample's family must
/// have been declared by a TYPE line before it; names and labels follow the format's grammar; label values use only
/// the \\ \" \n escapes; a histogram's buckets rise with `le` and end at +Inf equal to _count. Anything else throws
/// <see cref="FormatException"/> naming the line.
/// </summary>
public sealed partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);
    public List<Sample> Samples { get; } = [];

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n];
            if (line.Length == 0) continue;
            try
            {
                result.ParseLine(line);
            }
            catch (FormatException e)
            {
                throw new FormatException($"line {n + 1} '{line}': {e.Message}");
            }
        }
        result.CheckHistograms();
        return result;
    }

    private void ParseLine(string line)
    {
        if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
        {
            var parts = line[7..].Split(' ');
            if (parts.Length != 2 || !MetricName().IsMatch(parts[0])) throw new FormatException("bad TYPE line");
            if (parts[1] is not ("counter" or "gauge" or "histogram" or "summary" or "untyped")) throw new FormatException("unknown type");
            if (!Types.TryAdd(parts[0], parts[1])) throw new FormatException("family declared twice");
            return;
        }
        if (line.StartsWith("# HELP ", StringComparison.Ordinal))
        {
            int space = line.IndexOf(' ', 7);
            if (!MetricName().IsMatch(space < 0 ? line[7..] : line[7..space])) throw new FormatException("bad HELP line");
            return;
        }
        if (line.StartsWith('#')) return;   // a comment
        int pos = 0;
        while (pos < line.Length && line[pos] != '{' && line[pos] != ' ') pos++;
        string name = line[..pos];
        if (!MetricName().IsMatch(name)) throw new FormatException("bad metric name");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (pos < line.Length && line[pos] == '{') pos = ParseLabels(line, pos + 1, labels);
        if (pos >= line.Length || line[pos] != ' ') throw new FormatException("no value");
        var rest = line[(pos + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2) throw new FormatException("bad value/timestamp");
        double value = ParseValue(rest[0]);
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) throw new FormatException("bad timestamp");
        if (FamilyOf(name) is null) throw new FormatException("sample before its TYPE line");
        Samples.Add(new Sample(name, labels, value));
    }

    private static int ParseLabels(string line, int pos, Dictionary<string, string> labels)
    {
        while (true)
        {
            if (pos < line.Length && line[pos] == '}') return pos + 1;
            int eq = line.IndexOf('=', pos);
            if (eq < 0) throw new FormatException("label without '='");
            string label = line[pos..eq];
            if (!LabelName().IsMatch(label)) throw new FormatException($"bad label name '{label}'");
            if (eq + 1 >= line.Length || line[eq + 1] != '"') throw new FormatException("label value not quoted");
            var value = new System.Text.StringBuilder();
            int i = eq + 2;
            for (; i < line.Length && line[i] != '"'; i++)
            {
                if (line[i] != '\\') { value.Append(line[i]); continue; }
                i++;
                value.Append(i < line.Length ? line[i] switch { '\\' => '\\', '"' => '"', 'n' => '\n', _ => throw new FormatException("bad escape") } : throw new FormatException("escape at end"));
            }
            if (i >= line.Length) throw new FormatException("unterminated label value");
            if (!labels.TryAdd(label, value.ToString())) throw new FormatException("label repeated");
            pos = i + 1;
            if (pos < line.Length && line[pos] == ',') pos++;
            else if (pos >= line.Length || line[pos] != '}') throw new FormatException("expected ',' or '}'");
        }
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw new FormatException($"bad number '{text}'"),
    };

    /// <summary>The family a sample name belongs to (histogram samples end in _bucket/_sum/_count), or null.</summary>
    public string? FamilyOf(string sampleName)
    {
        if (Types.ContainsKey(sampleName)) return sampleName;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && Types.TryGetValue(sampleName[..^suffix.Length], out var type) && type is "histogram" or "summary")
                return sampleName[..^suffix.Length];
        }
        return null;
    }

    private void CheckHistograms()
    {
        foreach (var (family, type) in Types)
        {
            if (type != "histogram") continue;
            var groups = Samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value)));
            foreach (var group in groups)
            {
                double lastLe = double.NegativeInfinity, lastCount = 0;
                foreach (var bucket in group)
                {
                    double le = ParseValue(bucket.Labels["le"]);
                    if (le <= lastLe) throw new FormatException($"{family}{{{group.Key}}}: le does not rise");
                    if (bucket.Value < lastCount) throw new FormatException($"{family}{{{group.Key}}}: bucket counts are not cumulative");
                    lastLe = le;
                    lastCount = bucket.Value;
                }
                if (!double.IsPositiveInfinity(lastLe)) throw new FormatException($"{family}{{{group.Key}}}: no +Inf bucket");
                var count = Samples.Single(s => s.Name == family + "_count"
                    && string.Join(",", s.Labels.OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value)) == group.Key);
                if (count.Value != lastCount) throw new FormatException($"{family}{{{group.Key}}}: +Inf bucket differs from _count");
            }
        }
    }

    public double Value(string name, params (string Label, string Value)[] labels) =>
        Samples.Single(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Value;
}
