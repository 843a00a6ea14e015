namespace FastNode.Server.Acl;

/// <summary>Redis 7.0's ACL error texts, word for word.</summary>
public static class AclErrors
{
    public const string Syntax = "Syntax error";
    public const string UnknownCommand = "Unknown command or category name in ACL";
    public const string PatternAfterAllKeys = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    public const string PatternAfterAllChannels = "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    public const string BadHash = "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    public const string NoSuchPassword = "The password you are trying to remove from the user does not exist";

    public const string NoPermCommandPrefix = "NOPERM this user has no permissions to run the '";
    public const string NoPermKey = "NOPERM this user has no permissions to access one of the keys used as arguments";
    public const string NoPermChannel = "NOPERM this user has no permissions to access one of the channels used as arguments";

    public static string NoPermCommand(string fullName) => NoPermCommandPrefix + fullName + "' command";

    /// <summary>The NOPERM reply for a refusal (Redis's processCommand).</summary>
    public static string NoPerm(AclDenial denial, string fullName) => denial switch
    {
        AclDenial.Key => NoPermKey,
        AclDenial.Channel => NoPermChannel,
        _ => NoPermCommand(fullName),
    };

    /// <summary>ACL DRYRUN's and the scripts' wording (Redis's getAclErrorMessage).</summary>
    public static string Describe(AclDenial denial, string fullName, string arg) => denial switch
    {
        AclDenial.Key => $"This user has no permissions to access the '{arg}' key",
        AclDenial.Channel => $"This user has no permissions to access the '{arg}' channel",
        _ => $"This user has no permissions to run the '{fullName}' command",
    };
}
