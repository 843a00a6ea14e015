using System.Globalization;
using System.Text;

namespace FastNode.Server.Commands.Server;

/// <summary>Accumulates INFO text: sections separated by a blank line, every line ending in CRLF.</summary>
public sealed class InfoWriter
{
    private readonly StringBuilder _sb = new(4096);

    public InfoWriter Section(string title)
    {
        if (_sb.Length > 0) _sb.Append("\r\n");
        _sb.Append("# ").Append(title).Append("\r\n");
        return this;
    }

    public InfoWriter Line(string name, string value)
    {
        _sb.Append(name).Append(':').Append(value).Append("\r\n");
        return this;
    }

    public InfoWriter Line(string name, long value) =>
        Line(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A value printed with a fixed number of decimals, as Redis's "%.2f".</summary>
    public InfoWriter Line(string name, double value, int decimals = 2) =>
        Line(name, value.ToString("F" + decimals, CultureInfo.InvariantCulture));

    public override string ToString() => _sb.ToString();
}
