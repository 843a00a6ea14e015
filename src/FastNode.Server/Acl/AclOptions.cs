namespace FastNode.Server.Acl;

/// <summary>
/// ACL settings (docs/security.md): the ACL file, the `user` directives of the config file, the ACL LOG's length and
/// the channel permissions new users start with. Bound by Config/ConfigRegistry.Acl.cs.
/// </summary>
public sealed class AclOptions
{
    /// <summary>aclfile: users are loaded from (ACL LOAD) and saved to (ACL SAVE) this file; empty = none.</summary>
    public string AclFile { get; set; } = "";

    /// <summary>acllog-max-len: entries ACL LOG keeps (Redis's default 128).</summary>
    public long LogMaxLen { get; set; } = 128;

    /// <summary>acl-pubsub-default: whether new users start with allchannels (Redis 7.0 default: resetchannels).</summary>
    public bool PubSubDefaultAllChannels { get; set; }

    /// <summary>The `user name rules...` lines of the config file, in order (applied once the user directory exists).</summary>
    public List<string> UserDirectives { get; } = [];

    /// <summary>Called when CONFIG SET requirepass changes the default user's password.</summary>
    public Action<string>? RequirePassChanged { get; set; }
}
