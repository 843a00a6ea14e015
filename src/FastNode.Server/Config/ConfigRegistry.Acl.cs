using System.Globalization;

namespace FastNode.Server.Config;

/// <summary>ACL settings (docs/security.md): aclfile, acllog-max-len, acl-pubsub-default and the `user` directive.</summary>
public sealed partial class ConfigRegistry
{
    private void AddAclSettings(ServerOptions options)
    {
        var acl = options.Acl;
        // Start-up only, as in Redis 7.0.
        Add(new ConfigSetting("aclfile", () => acl.AclFile, v => { acl.AclFile = v; return null; }, Immutable: true));
        Add(new ConfigSetting("acllog-max-len", () => acl.LogMaxLen.ToString(CultureInfo.InvariantCulture), v =>
        {
            if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)) return NotInteger;
            if (n < 0) return $"argument must be between 0 and {long.MaxValue} inclusive";
            acl.LogMaxLen = n;
            return null;
        }));
        Choice("acl-pubsub-default", () => acl.PubSubDefaultAllChannels ? "allchannels" : "resetchannels",
            v => acl.PubSubDefaultAllChannels = v == "allchannels", immutable: false, ["allchannels", "resetchannels"]);
    }

    /// <summary>`user name rules...` in the config file or on the command line; applied once the server's users exist.</summary>
    private string? AddUserDirective(string value)
    {
        if (value.Trim().Length == 0) return "Bad directive or wrong number of arguments: 'user'";
        Options.Acl.UserDirectives.Add("user " + value.Trim());
        return null;
    }
}
