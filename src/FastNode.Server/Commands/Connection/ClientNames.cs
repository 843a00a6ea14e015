using FastNode.Protocol;

namespace FastNode.Server.Commands.Connection;

/// <summary>Connection names (CLIENT SETNAME, HELLO SETNAME) and library attributes (CLIENT SETINFO).</summary>
public static class ClientNames
{
    /// <summary>Redis allows only printable ASCII without spaces ('!' to '~'), so CLIENT LIST stays parseable.</summary>
    public static bool IsValid(ReadOnlySpan<byte> name)
    {
        foreach (byte b in name)
        {
            if (b < (byte)'!' || b > (byte)'~') return false;
        }
        return true;
    }

    /// <summary>Sets (empty clears) the name, or writes Redis's error and returns false.</summary>
    public static bool TrySet(ref CommandContext ctx, ReadOnlySpan<byte> name)
    {
        if (!IsValid(name))
        {
            ctx.Writer.WriteError(RespErrors.InvalidClientName);
            return false;
        }
        ctx.Session.Name = name.IsEmpty ? null : System.Text.Encoding.ASCII.GetString(name);
        return true;
    }
}
