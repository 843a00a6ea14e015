namespace FastNode.Server.Scripting;

/// <summary>A library's first line, `#!lua name=&lt;library&gt;`, read as Redis 7.0 reads it, with its error texts.</summary>
internal static class FunctionMetadata
{
    /// <summary>Null, the library's name and the shebang's length; or Redis's error.</summary>
    public static string? Parse(ReadOnlySpan<byte> code, out string? name, out int length)
    {
        name = null;
        length = 0;
        if (code.Length < 2 || code[0] != '#' || code[1] != '!') return "ERR Missing library metadata";
        int end = code.IndexOf((byte)'\n');
        if (end < 0) return "ERR Invalid library metadata";
        length = end;
        var parts = System.Text.Encoding.UTF8.GetString(code[2..end]).Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return "ERR Invalid library metadata";
        for (int i = 1; i < parts.Length; i++)
        {
            if (!parts[i].StartsWith("name=", StringComparison.Ordinal)) return "ERR Invalid metadata value given: " + parts[i];
            if (name is not null) return "ERR Invalid metadata value, name argument was given multiple times";
            name = parts[i]["name=".Length..];
        }
        if (name is null) return "ERR Library name was not given";
        if (!string.Equals(parts[0], "lua", StringComparison.OrdinalIgnoreCase)) return $"ERR Engine '{parts[0]}' not found";
        if (!IsValidName(name))
            return "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
        return null;
    }

    private static bool IsValidName(string name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        }
        return true;
    }
}
