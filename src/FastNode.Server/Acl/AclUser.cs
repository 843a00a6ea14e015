using System.Security.Cryptography;
using System.Text;

namespace FastNode.Server.Acl;

/// <summary>
/// A user of the ACL (docs/security.md). Its permissions are an immutable <see cref="AclUserState"/> replaced as a
/// whole by ACL SETUSER, so a connection checking a command reads one reference and never sees half a change.
/// </summary>
public sealed class AclUser(string name, AclUserState state)
{
    private volatile AclUserState _state = state;

    public string Name { get; } = name;

    public AclUserState State
    {
        get => _state;
        set => _state = value;
    }

    /// <summary>Set once the user is deleted (or replaced by ACL LOAD): its clients are being disconnected.</summary>
    public volatile bool Removed;
}

/// <summary>One version of a user's flags, passwords and permissions. Built on a copy, then published.</summary>
public sealed class AclUserState
{
    public bool Enabled;
    public bool NoPass;
    /// <summary>null: neither flag set (users created by SETUSER); true: sanitize-payload; false: skip-sanitize-payload.</summary>
    public bool? SanitizePayload;
    public List<string> PasswordHashes = [];
    public AclSelector Root = null!;
    public List<AclSelector> Selectors = [];

    /// <summary>Root permissions cover every command, key and channel: the dispatcher's fast path.</summary>
    public bool Unrestricted { get; private set; }

    public static AclUserState Create(AclCommandIndex index, bool allChannels) =>
        new() { Root = new AclSelector(index, allChannels) };

    public AclUserState Clone()
    {
        var copy = new AclUserState
        {
            Enabled = Enabled,
            NoPass = NoPass,
            SanitizePayload = SanitizePayload,
            PasswordHashes = [.. PasswordHashes],
            Root = Root.Clone(),
        };
        foreach (var selector in Selectors) copy.Selectors.Add(selector.Clone());
        return copy;
    }

    /// <summary>Computes the derived flags; called once before the state is published.</summary>
    public AclUserState Seal()
    {
        Unrestricted = Root.Unrestricted;
        return this;
    }

    public static string Hash(ReadOnlySpan<byte> password) => Convert.ToHexStringLower(SHA256.HashData(password));

    /// <summary>Compares in time independent of where the hashes differ (Redis's time_independent_strcmp).</summary>
    public bool PasswordMatches(ReadOnlySpan<byte> password)
    {
        if (NoPass) return true;
        var hash = Encoding.ASCII.GetBytes(Hash(password));
        bool match = false;
        foreach (var stored in PasswordHashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, Encoding.ASCII.GetBytes(stored));
        }
        return match;
    }
}
