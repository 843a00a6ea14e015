using System.Text;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Config;
using FastNode.Server.Sessions;

namespace FastNode.Server.Acl;

/// <summary>
/// Every ACL user by name (docs/security.md). The "default" user always exists; `requirepass` is its password, as in
/// Redis. Changes (SETUSER, DELUSER, LOAD) take a lock and publish new immutable states; the command check reads a
/// connection's user's state without locks and is skipped entirely for a user allowed everything.
/// </summary>
public sealed partial class UserDirectory
{
    public const string DefaultName = "default";
    private readonly ServerState _server;
    private readonly Lock _lock = new();
    private SortedDictionary<string, AclUser> _users = new(StringComparer.Ordinal);
    private volatile bool _authRequired;

    public UserDirectory(ServerState server)
    {
        _server = server;
        Index = new AclCommandIndex(server.Commands);
        Options = server.Options.Acl;
        Log = new AclLog(Options);
        Default = CreateDefault();
        _users[DefaultName] = Default;
        ApplyRequirePass(server.Options.RequirePass);
        Options.RequirePassChanged = ApplyRequirePass;
        if (Options.UserDirectives.Count > 0 && Options.AclFile.Length > 0)
            throw new ConfigException("Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.");
        foreach (var line in Options.UserDirectives)
        {
            if (LoadLine(_users, line) is { } error) throw new ConfigException($"Error in user declaration '{line}': {error}");
        }
        if (Options.AclFile.Length > 0 && AclFile.Load(this, Options.AclFile) is { } fileError) throw new ConfigException(fileError);
        Refresh();
    }

    public AclCommandIndex Index { get; }
    public AclOptions Options { get; }
    public AclLog Log { get; }

    /// <summary>The "default" user: every new connection starts as it.</summary>
    public AclUser Default { get; private set; }

    /// <summary>Redis's authRequired: the default user has a password (or is off), so a connection must AUTH first.</summary>
    public bool AuthRequired => _authRequired;

    private AclUser CreateDefault()
    {
        var state = AclUserState.Create(Index, allChannels: true);
        foreach (var op in new[] { "+@all", "~*", "&*", "on", "nopass" }) AclRules.ApplyOne(state, op, Index, true);
        return new AclUser(DefaultName, state.Seal());
    }

    /// <summary>CONFIG SET requirepass: the default user's passwords become that one (or nopass when empty).</summary>
    private void ApplyRequirePass(string password)
    {
        lock (_lock)
        {
            var state = Default.State.Clone();
            AclRules.ApplyOne(state, "resetpass", Index, true);
            AclRules.ApplyOne(state, password.Length == 0 ? "nopass" : ">" + password, Index, true);
            Default.State = state.Seal();
            Refresh();
        }
    }

    private void Refresh()
    {
        var state = Default.State;
        _authRequired = !state.NoPass || !state.Enabled;
    }

    public AclUser? Find(string name)
    {
        lock (_lock) return _users.GetValueOrDefault(name);
    }

    public List<AclUser> Users()
    {
        lock (_lock) return [.. _users.Values];
    }

    /// <summary>ACL SETUSER: all rules or none. Returns the error reply, or null.</summary>
    public string? SetUser(string name, IReadOnlyList<string> rules)
    {
        if (name.Contains(' ') || name.Contains('\0')) return "ERR Usernames can't contain spaces or null characters";
        lock (_lock)
        {
            bool wasRequired = _authRequired;
            var existing = _users.GetValueOrDefault(name);
            var state = existing?.State.Clone() ?? NewUserState();
            if (AclRules.Apply(state, rules, Index, Options.PubSubDefaultAllChannels) is { } error) return error;
            if (existing is null) _users[name] = new AclUser(name, state.Seal());
            else existing.State = state.Seal();
            Refresh();
            // As Redis: connections opened while the default user needed no password stay authenticated.
            if (!wasRequired && _authRequired) AuthenticateAll();
            return null;
        }
    }

    private AclUserState NewUserState() => AclUserState.Create(Index, Options.PubSubDefaultAllChannels);

    private void AuthenticateAll()
    {
        foreach (var client in _server.Clients.All) client.Authenticated = true;
    }

    /// <summary>ACL DELUSER: removes the users and disconnects their clients (the caller's after its reply).</summary>
    public int Delete(IReadOnlyList<string> names, ClientSession caller)
    {
        var removed = new List<AclUser>();
        lock (_lock)
        {
            foreach (var name in names)
            {
                if (!_users.Remove(name, out var user)) continue;
                user.Removed = true;
                removed.Add(user);
            }
        }
        foreach (var user in removed) Disconnect(user, caller);
        return removed.Count;
    }

    private void Disconnect(AclUser user, ClientSession caller)
    {
        foreach (var client in _server.Clients.All)
        {
            if (client.User != user) continue;
            if (client == caller) client.CloseAfterReply = true;
            else client.KillSoon(Network.DisconnectReason.Killed);
        }
    }

    /// <summary>AUTH and HELLO AUTH: the user, when it exists, is on and the password matches; else null.</summary>
    public AclUser? Authenticate(ReadOnlySpan<byte> name, ReadOnlySpan<byte> password)
    {
        AclUser? user;
        lock (_lock) user = _users.GetValueOrDefault(Encoding.UTF8.GetString(name));
        if (user is null) return null;
        var state = user.State;
        if (!state.Enabled) return null;
        return state.PasswordMatches(password) ? user : null;
    }

    /// <summary>Records a failed AUTH in ACL LOG (reason "auth", object the command, as Redis does).</summary>
    public void LogAuthFailure(ClientSession session, CommandDef def, ReadOnlySpan<byte> username) =>
        Log.Add("auth", session.Multi is not null ? "multi" : "toplevel", def.FullName, Encoding.UTF8.GetString(username),
            ClientInfo(session), _server.NowMs);

    private string ClientInfo(ClientSession session)
    {
        var sb = new StringBuilder();
        FastNode.Server.Commands.Connection.ClientInfoFormatter.Append(sb, session, _server, _server.NowMs, argvMem: 0);
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>Parses one "user name rules..." line (config directive or ACL file) into <paramref name="users"/>.</summary>
    internal string? LoadLine(SortedDictionary<string, AclUser> users, string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0] != "user") return "line should start with user keyword";
        string name = parts[1];
        if (name.Contains('\0')) return "Usernames can't contain spaces or null characters";
        var existing = users.GetValueOrDefault(name);
        var state = existing?.State.Clone() ?? NewUserState();
        if (AclRules.Apply(state, parts[2..], Index, Options.PubSubDefaultAllChannels) is { } error)
            return error.StartsWith("ERR ", StringComparison.Ordinal) ? error[4..] : error;
        if (existing is not null) existing.State = state.Seal();
        else users[name] = new AclUser(name, state.Seal());
        return null;
    }

    /// <summary>ACL LOAD's swap: the loaded users replace all others; clients of users that changed are disconnected.</summary>
    internal void ReplaceAll(SortedDictionary<string, AclUser> loaded, ClientSession? caller)
    {
        List<AclUser> gone;
        lock (_lock)
        {
            gone = [.. _users.Values];
            // The default user object stays (connections point at it); it takes the loaded state, or a fresh one.
            Default.State = loaded.TryGetValue(DefaultName, out var loadedDefault) ? loadedDefault.State : CreateDefault().State;
            loaded[DefaultName] = Default;
            _users = loaded;
            Refresh();
        }
        foreach (var user in gone)
        {
            if (user == Default) continue;
            user.Removed = true;
            if (caller is not null) Disconnect(user, caller);
        }
    }
}
