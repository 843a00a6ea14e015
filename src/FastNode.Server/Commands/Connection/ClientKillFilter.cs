using System.Text;
using FastNode.Protocol;
using FastNode.Server.Sessions;

namespace FastNode.Server.Commands.Connection;

/// <summary>The filters of CLIENT KILL's new form; a client is killed when it matches all of them.</summary>
public struct ClientKillFilter
{
    public ClientKillFilter()
    {
    }

    public long? Id;
    public ClientType? Type;
    public string? Address;
    public string? LocalAddress;
    /// <summary>Leave the calling connection alone (the default in the new form; the old form kills it too).</summary>
    public bool SkipMe = true;

    public readonly bool Matches(ClientSession client) =>
        (Id is null || client.Id == Id)
        && (Type is null || ClientTypes.Of(client) == Type)
        && (Address is null || client.RemoteAddress == Address)
        && (LocalAddress is null || client.LocalAddress == LocalAddress);

    /// <summary>Parses "option value" pairs from argument 2 on, with Redis's error for each bad one.</summary>
    public static bool TryParse(CommandArgs args, out ClientKillFilter filter, out string? error)
    {
        filter = new ClientKillFilter();
        error = null;
        for (int i = 2; i < args.Count; i += 2)
        {
            var option = args[i];
            if (i + 1 >= args.Count)
            {
                error = "ERR syntax error";
                return false;
            }
            var value = args[i + 1];
            if (Ascii.EqualsIgnoreCase(option, "ID"u8))
            {
                if (!Numbers.TryParseInt64(value, out long id) || id < 1)
                {
                    error = "ERR client-id should be greater than 0";
                    return false;
                }
                filter.Id = id;
            }
            else if (Ascii.EqualsIgnoreCase(option, "TYPE"u8))
            {
                if (!ClientTypes.TryParse(value, out var type))
                {
                    error = ErrorText.UnknownClientType(value);
                    return false;
                }
                filter.Type = type;
            }
            else if (Ascii.EqualsIgnoreCase(option, "ADDR"u8)) filter.Address = Encoding.UTF8.GetString(value);
            else if (Ascii.EqualsIgnoreCase(option, "LADDR"u8)) filter.LocalAddress = Encoding.UTF8.GetString(value);
            else if (Ascii.EqualsIgnoreCase(option, "USER"u8))
            {
                // "default" is the only user, and every client is authenticated as it.
                if (!value.SequenceEqual(Authenticator.DefaultUser))
                {
                    error = ErrorText.NoSuchUser(value);
                    return false;
                }
            }
            else if (Ascii.EqualsIgnoreCase(option, "SKIPME"u8))
            {
                if (Ascii.EqualsIgnoreCase(value, "YES"u8)) filter.SkipMe = true;
                else if (Ascii.EqualsIgnoreCase(value, "NO"u8)) filter.SkipMe = false;
                else
                {
                    error = "ERR syntax error";
                    return false;
                }
            }
            else
            {
                error = "ERR syntax error";
                return false;
            }
        }
        return true;
    }
}
