namespace FastNode.Server.Commands.Server.Docs;

/// <summary>
/// Turns a compact argument notation into <see cref="ArgSpec"/> trees, so the docs table stays one readable line per
/// command. The notation:
/// 1. a lower-case word is a value argument: "key" is of type key, others are strings unless suffixed
///    "=k" (key), "=i" (integer), "=d" (double), "=p" (pattern) or "=t" (unix-time);
/// 2. an UPPER-CASE word is a token: followed by a value or a group it introduces it ("EX seconds=i",
///    "TYPE (NORMAL|PUBSUB)"), otherwise it is a pure-token flag ("NX");
/// 3. "[...]" is optional, "(...)" groups, "a|b" is a choice (oneof); several arguments in one alternative form a block;
/// 4. "..." after an argument makes it repeatable, "...+" repeats its token too ("PREFIX prefix ...+");
/// 5. "{name}" right after a group names it ("[NX|XX]{condition}"); unnamed groups join their children's names;
/// 6. "=", "~", "*" and "$" are pure tokens, named as Redis names them (XADD's "[=|~]", "(*|id)").
/// Throws FormatException on malformed notation (the docs test parses every entry).
/// </summary>
public sealed class SyntaxParser
{
    private readonly List<string> _tokens;
    private int _pos;

    private SyntaxParser(string syntax) => _tokens = Tokenize(syntax);

    public static ArgSpec[] Parse(string syntax)
    {
        var parser = new SyntaxParser(syntax);
        var args = parser.ParseSequence();
        if (parser.Peek == "|")
        {
            // Alternatives at the top level ("ON|OFF") make one oneof argument.
            var alternatives = new List<ArgSpec> { Fold(args) };
            while (parser.Peek == "|")
            {
                parser._pos++;
                alternatives.Add(Fold(parser.ParseSequence()));
            }
            args = [new ArgSpec { Name = JoinNames(alternatives), Type = "oneof", Arguments = [.. alternatives] }];
        }
        if (parser._pos != parser._tokens.Count) throw new FormatException($"unexpected '{parser._tokens[parser._pos]}' in \"{syntax}\"");
        return [.. args];
    }

    private static List<string> Tokenize(string syntax)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < syntax.Length)
        {
            char c = syntax[i];
            if (c == ' ') { i++; continue; }
            if (c == '{')
            {
                int close = syntax.IndexOf('}', i);
                if (close < 0) throw new FormatException($"unclosed '{{' in \"{syntax}\"");
                tokens.Add(syntax[i..(close + 1)]);
                i = close + 1;
                continue;
            }
            if (c is '[' or ']' or '(' or ')' or '|')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            if (syntax.AsSpan(i).StartsWith("...+"))
            {
                tokens.Add("...+");
                i += 4;
                continue;
            }
            if (syntax.AsSpan(i).StartsWith("..."))
            {
                tokens.Add("...");
                i += 3;
                continue;
            }
            int start = i;
            while (i < syntax.Length && syntax[i] is not (' ' or '[' or ']' or '(' or ')' or '|')) i++;
            tokens.Add(syntax[start..i]);
        }
        return tokens;
    }

    private string? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

    private List<ArgSpec> ParseSequence()
    {
        var items = new List<ArgSpec>();
        while (Peek is { } next && next is not ("|" or "]" or ")")) items.Add(ParseItem());
        return items;
    }

    /// <summary>Alternatives inside brackets or parentheses, folded into one argument.</summary>
    private ArgSpec ParseGroup(string close)
    {
        var alternatives = new List<ArgSpec> { Fold(ParseSequence()) };
        while (Peek == "|")
        {
            _pos++;
            alternatives.Add(Fold(ParseSequence()));
        }
        if (Peek != close) throw new FormatException($"expected '{close}'");
        _pos++;
        if (alternatives.Count == 1) return alternatives[0];
        return new ArgSpec { Name = JoinNames(alternatives), Type = "oneof", Arguments = [.. alternatives] };
    }

    private static ArgSpec Fold(List<ArgSpec> sequence)
    {
        if (sequence.Count == 0) throw new FormatException("empty group");
        if (sequence.Count == 1) return sequence[0];
        return new ArgSpec { Name = JoinNames(sequence), Type = "block", Arguments = [.. sequence] };
    }

    private static string JoinNames(List<ArgSpec> args)
    {
        var names = new List<string>(args.Count);
        foreach (var arg in args) names.Add(arg.Name);
        return string.Join('-', names);
    }

    private ArgSpec ParseItem()
    {
        string token = _tokens[_pos++];
        ArgSpec arg;
        if (token == "[")
        {
            arg = ParseGroup("]");
            arg.Optional = true;
        }
        else if (token == "(") arg = ParseGroup(")");
        else if (SymbolTokens.TryGetValue(token, out var symbolName)) arg = new ArgSpec { Name = symbolName, Type = "pure-token", Token = token };
        else if (IsKeyword(token))
        {
            if (Peek is { } next && (next == "(" || IsValueWord(next)))
            {
                arg = ParseItem();
                if (arg.Token is not null) throw new FormatException($"two tokens before '{arg.Name}'");
                arg.Token = token;
                return arg;
            }
            arg = new ArgSpec { Name = token.ToLowerInvariant(), Type = "pure-token", Token = token };
        }
        else if (IsValueWord(token)) arg = Value(token);
        else throw new FormatException($"unexpected '{token}'");

        if (Peek is { } label && label.StartsWith('{'))
        {
            if (token is not ("[" or "(")) throw new FormatException($"only a group can be named: {label}");
            arg.Name = label[1..^1];
            _pos++;
        }
        while (Peek is "..." or "...+")
        {
            arg.Multiple = true;
            if (_tokens[_pos] == "...+") arg.MultipleToken = true;
            _pos++;
        }
        return arg;
    }

    private static readonly Dictionary<string, string> SymbolTokens = new()
    {
        ["="] = "equal", ["~"] = "approximately", ["*"] = "auto_id", ["$"] = "new_id",
    };

    private static bool IsKeyword(string word)
    {
        bool letter = false;
        foreach (char c in word)
        {
            if (char.IsLower(c)) return false;
            letter |= char.IsUpper(c);
        }
        return letter;
    }

    private static bool IsValueWord(string word) =>
        word is not ("[" or "]" or "(" or ")" or "|" or "..." or "...+") && !word.StartsWith('{') && !IsKeyword(word) && !SymbolTokens.ContainsKey(word);

    private static ArgSpec Value(string word)
    {
        int eq = word.LastIndexOf('=');
        string name = eq < 0 ? word : word[..eq];
        string type = eq < 0
            ? (name == "key" ? "key" : "string")
            : word[(eq + 1)..] switch
            {
                "k" => "key",
                "i" => "integer",
                "d" => "double",
                "p" => "pattern",
                "t" => "unix-time",
                "s" => "string",
                var other => throw new FormatException($"unknown type '{other}' in '{word}'"),
            };
        return new ArgSpec { Name = name, Type = type };
    }
}
