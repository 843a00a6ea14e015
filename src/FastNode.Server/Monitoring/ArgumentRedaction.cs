using FastNode.Protocol;
using FastNode.Server.Commands;

namespace FastNode.Server.Monitoring;

/// <summary>
/// Which arguments MONITOR and the slow log show as "(redacted)", as Redis 7.0 hides them: AUTH's arguments, HELLO's
/// AUTH username and password, MIGRATE's AUTH password and AUTH2 username and password, the values of sensitive
/// settings in CONFIG SET, and every rule of ACL SETUSER. Cold path (only slow or monitored commands come here).
/// </summary>
public static class ArgumentRedaction
{
    public static ReadOnlySpan<byte> Redacted => "(redacted)"u8;

    /// <summary>Settings whose values never appear in MONITOR or the slow log (upper case, as Ascii compares).</summary>
    private static readonly byte[][] SensitiveSettings = ["REQUIREPASS"u8.ToArray(), "MASTERAUTH"u8.ToArray(), "CLUSTER-BUS-SECRET"u8.ToArray()];

    public static bool IsRedacted(CommandDef def, CommandArgs args, int index)
    {
        if (index == 0) return false;
        switch (def.FullName)
        {
            case "auth":
                return true;
            case "acl|setuser":
                return index >= 3;
            case "hello":
                // HELLO protover [AUTH username password] [SETNAME name]
                for (int j = 2; j < args.Count; j++)
                {
                    if (Ascii.EqualsIgnoreCase(args[j], "AUTH"u8)) return index > j && index <= j + 2;
                }
                return false;
            case "migrate":
                // MIGRATE host port key db timeout [COPY] [REPLACE] [AUTH password] [AUTH2 username password] [KEYS key ...]
                for (int j = 6; j < args.Count && j < index; j++)
                {
                    if (Ascii.EqualsIgnoreCase(args[j], "KEYS"u8)) return false;
                    if (Ascii.EqualsIgnoreCase(args[j], "AUTH"u8) && index == j + 1) return true;
                    if (Ascii.EqualsIgnoreCase(args[j], "AUTH2"u8) && (index == j + 1 || index == j + 2)) return true;
                }
                return false;
            case "config|set":
                if (index < 3 || (index - 3) % 2 != 0) return false;
                foreach (var sensitive in SensitiveSettings)
                {
                    if (Ascii.EqualsIgnoreCase(args[index - 1], sensitive)) return true;
                }
                return false;
            default:
                return false;
        }
    }
}
