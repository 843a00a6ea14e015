using System.Text;

namespace FastNode.Server.Acl;

/// <summary>
/// ACL SETUSER's rules, applied left to right to a copy of a user's state (Redis's ACLSetUser): flags, passwords and
/// selectors at the user level, everything else to the root selector. "(...)" arguments are joined first, as Redis
/// joins the arguments of a selector split by spaces.
/// </summary>
public static class AclRules
{
    /// <summary>
    /// Applies <paramref name="rules"/> to <paramref name="state"/>; returns the complete error reply (without "-"), or
    /// null when every rule applied.
    /// </summary>
    public static string? Apply(AclUserState state, IReadOnlyList<string> rules, AclCommandIndex index, bool allChannelsDefault)
    {
        if (Group(rules, out var ops) is { } unmatched) return unmatched;
        foreach (var op in ops)
        {
            if (ApplyOne(state, op, index, allChannelsDefault) is { } error)
                return $"ERR Error in ACL SETUSER modifier '{op}': {error}";
        }
        return null;
    }

    /// <summary>Joins "(+get" "~a)" into "(+get ~a)"; Redis's error for a selector that never closes.</summary>
    private static string? Group(IReadOnlyList<string> rules, out List<string> ops)
    {
        ops = new List<string>(rules.Count);
        for (int i = 0; i < rules.Count; i++)
        {
            string rule = rules[i];
            if (!rule.StartsWith('(') || rule.EndsWith(')'))
            {
                ops.Add(rule);
                continue;
            }
            var sb = new StringBuilder(rule);
            int j = i + 1;
            for (; j < rules.Count; j++)
            {
                sb.Append(' ').Append(rules[j]);
                if (rules[j].EndsWith(')')) break;
            }
            if (j == rules.Count) return $"ERR Unmatched parenthesis in acl selector starting at '{rule}'.";
            ops.Add(sb.ToString());
            i = j;
        }
        return null;
    }

    public static string? ApplyOne(AclUserState state, string op, AclCommandIndex index, bool allChannelsDefault)
    {
        switch (op.ToLowerInvariant())
        {
            case "on":
                state.Enabled = true;
                return null;
            case "off":
                state.Enabled = false;
                return null;
            case "nopass":
                state.NoPass = true;
                state.PasswordHashes.Clear();
                return null;
            case "resetpass":
                state.NoPass = false;
                state.PasswordHashes.Clear();
                return null;
            case "sanitize-payload":
                state.SanitizePayload = true;
                return null;
            case "skip-sanitize-payload":
                state.SanitizePayload = false;
                return null;
            case "clearselectors":
                state.Selectors.Clear();
                return null;
            case "reset":
                state.NoPass = false;
                state.PasswordHashes.Clear();
                state.Root = new AclSelector(index, allChannelsDefault);
                state.Enabled = false;
                state.Selectors.Clear();
                state.SanitizePayload = true;
                return null;
        }
        if (op.Length == 0) return AclErrors.Syntax;
        switch (op[0])
        {
            case '>':
                AddHash(state, AclUserState.Hash(Encoding.UTF8.GetBytes(op[1..])));
                return null;
            case '#':
                if (!IsHash(op.AsSpan(1))) return AclErrors.BadHash;
                AddHash(state, op[1..]);
                return null;
            case '<':
                return RemoveHash(state, AclUserState.Hash(Encoding.UTF8.GetBytes(op[1..])));
            case '!':
                return IsHash(op.AsSpan(1)) ? RemoveHash(state, op[1..]) : AclErrors.BadHash;
            case '(' when op.EndsWith(')'):
                return AddSelector(state, op[1..^1], index, allChannelsDefault);
        }
        return state.Root.Apply(op);
    }

    private static string? AddSelector(AclUserState state, string body, AclCommandIndex index, bool allChannelsDefault)
    {
        var selector = new AclSelector(index, allChannelsDefault);
        foreach (var op in body.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (selector.Apply(op) is { } error) return error;
        }
        state.Selectors.Add(selector);
        return null;
    }

    private static void AddHash(AclUserState state, string hash)
    {
        if (!state.PasswordHashes.Contains(hash)) state.PasswordHashes.Add(hash);
        state.NoPass = false;
    }

    private static string? RemoveHash(AclUserState state, string hash)
    {
        if (!state.PasswordHashes.Remove(hash)) return AclErrors.NoSuchPassword;
        state.NoPass = false;
        return null;
    }

    private static bool IsHash(ReadOnlySpan<char> text)
    {
        if (text.Length != 64) return false;
        foreach (char c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        }
        return true;
    }

    /// <summary>A user as ACL LIST and the ACL file print it ("user name on #hash ~* &amp;* +@all").</summary>
    public static string Describe(AclUser user)
    {
        var state = user.State;
        var sb = new StringBuilder("user ").Append(user.Name).Append(state.Enabled ? " on" : " off");
        if (state.NoPass) sb.Append(" nopass");
        if (state.SanitizePayload is { } sanitize) sb.Append(sanitize ? " sanitize-payload" : " skip-sanitize-payload");
        foreach (var hash in state.PasswordHashes) sb.Append(" #").Append(hash);
        sb.Append(' ').Append(state.Root.Describe());
        foreach (var selector in state.Selectors) sb.Append(" (").Append(selector.Describe()).Append(')');
        return sb.ToString();
    }
}
