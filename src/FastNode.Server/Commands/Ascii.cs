namespace FastNode.Server.Commands;

/// <summary>Case-insensitive comparison of an argument with an upper-case ASCII keyword (options like NX, WITHSCORES).</summary>
public static class Ascii
{
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> arg, ReadOnlySpan<byte> upperKeyword)
    {
        if (arg.Length != upperKeyword.Length) return false;
        for (int i = 0; i < arg.Length; i++)
        {
            byte c = arg[i];
            if ((uint)(c - 'a') <= 'z' - 'a') c -= 32;
            if (c != upperKeyword[i]) return false;
        }
        return true;
    }
}
