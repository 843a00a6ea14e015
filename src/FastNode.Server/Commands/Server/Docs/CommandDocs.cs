using System.Collections.Frozen;

namespace FastNode.Server.Commands.Server.Docs;

/// <summary>
/// The documentation table: every <see cref="CommandDoc"/> by full name ("get", "config|get"), with its parsed
/// arguments. Built once, on first use (COMMAND DOCS / COMMAND INFO are cold). Commands of the command table that
/// have no entry still get docs, generated from their arity and key positions (<see cref="FallbackArguments"/>).
/// </summary>
public static class CommandDocs
{
    private static readonly Lazy<FrozenDictionary<string, (CommandDoc Doc, ArgSpec[] Arguments)>> s_table = new(Build);

    public static IEnumerable<CommandDoc> All
    {
        get
        {
            foreach (var entry in s_table.Value.Values) yield return entry.Doc;
        }
    }

    public static bool TryFind(string fullName, out CommandDoc doc, out ArgSpec[] arguments)
    {
        if (s_table.Value.TryGetValue(fullName, out var entry))
        {
            (doc, arguments) = entry;
            return true;
        }
        doc = null!;
        arguments = [];
        return false;
    }

    private static FrozenDictionary<string, (CommandDoc, ArgSpec[])> Build()
    {
        var table = new Dictionary<string, (CommandDoc, ArgSpec[])>(StringComparer.Ordinal);
        foreach (var group in new[]
        {
            ConnectionDocs.All, ServerDocs.All, GenericDocs.All, StringDocs.All, HashDocs.All, ListDocs.All,
            SetDocs.All, SortedSetDocs.All, StreamDocs.All, PubSubDocs.All, ScriptingDocs.All, FastNodeDocs.All, GeoDocs.All,
        })
        {
            foreach (var doc in group) table[doc.FullName] = (doc, SyntaxParser.Parse(doc.Syntax));
        }
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Arguments for a command without an entry, from the table alone: leading plain arguments, the keys
    /// (one, a run, or key/value pairs for step 2), then plain arguments up to the arity.
    /// </summary>
    public static ArgSpec[] FallbackArguments(CommandDef def)
    {
        var args = new List<ArgSpec>();
        // Arity and key positions count the command name, and for a subcommand its name too.
        int names = def.FullName.Contains('|') ? 2 : 1;
        int minimum = Math.Abs(def.Arity) - names;
        if (def.FirstKey > 0)
        {
            for (int i = names; i < def.FirstKey; i++) args.Add(new ArgSpec { Name = "arg", Type = "string" });
            if (def.LastKey < 0)
            {
                args.Add(def.Step == 2
                    ? new ArgSpec
                    {
                        Name = "data", Type = "block", Multiple = true,
                        Arguments = [new ArgSpec { Name = "key", Type = "key" }, new ArgSpec { Name = "value", Type = "string" }],
                    }
                    : new ArgSpec { Name = "key", Type = "key", Multiple = true });
            }
            else
            {
                for (int i = def.FirstKey; i <= def.LastKey; i += Math.Max(1, def.Step)) args.Add(new ArgSpec { Name = "key", Type = "key" });
            }
        }
        int counted = Count(args);
        for (int i = counted; i < minimum; i++) args.Add(new ArgSpec { Name = "arg", Type = "string" });
        if (def.Arity < 0 && def.LastKey >= 0) args.Add(new ArgSpec { Name = "arg", Type = "string", Optional = true, Multiple = true });
        return [.. args];
    }

    private static int Count(List<ArgSpec> args)
    {
        int n = 0;
        foreach (var arg in args) n += arg.Type == "block" ? arg.Arguments!.Length : 1;
        return n;
    }
}
