using System.Text;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Sessions;

namespace FastNode.Server.Acl;

/// <summary>
/// The permission check (Redis's ACLCheckAllUserCommandPerm): the root permissions, then each selector; the command
/// runs if any of them allows it. A refusal is answered with Redis's NOPERM text and recorded in ACL LOG.
/// </summary>
public sealed partial class UserDirectory
{
    /// <summary>
    /// Whether <paramref name="state"/> allows the call; otherwise the most relevant refusal over all selectors (a
    /// channel over a key over a command, then the later argument) and the refused argument's index.
    /// </summary>
    public static AclDenial Evaluate(AclUserState state, CommandDef def, CommandArgs args, out int argIndex)
    {
        var result = state.Root.Check(def, args, out argIndex);
        if (result == AclDenial.None) return result;
        foreach (var selector in state.Selectors)
        {
            var denial = selector.Check(def, args, out int index);
            if (denial == AclDenial.None)
            {
                argIndex = 0;
                return denial;
            }
            if (denial > result || (denial == result && index > argIndex))
            {
                result = denial;
                argIndex = index;
            }
        }
        return result;
    }

    /// <summary>
    /// The dispatcher's and EXEC's check for a user that is not unrestricted: null when allowed, else the NOPERM
    /// reply, after logging the refusal with <paramref name="context"/> ("toplevel", "multi", "lua").
    /// </summary>
    public string? Refuse(ClientSession session, AclUser user, CommandDef def, CommandArgs args, string context)
    {
        var denial = Evaluate(user.State, def, args, out int argIndex);
        if (denial == AclDenial.None) return null;
        LogDenial(session, user, def, args, denial, argIndex, context);
        return AclErrors.NoPerm(denial, def.FullName);
    }

    public void LogDenial(ClientSession session, AclUser user, CommandDef def, CommandArgs args, AclDenial denial, int argIndex, string context)
    {
        string obj = denial == AclDenial.Command ? def.FullName : Encoding.UTF8.GetString(args[argIndex]);
        string reason = denial switch
        {
            AclDenial.Key => "key",
            AclDenial.Channel => "channel",
            AclDenial.Auth => "auth",
            _ => "command",
        };
        Log.Add(reason, context, obj, user.Name, ClientInfo(session), _server.NowMs);
    }

    /// <summary>
    /// SORT BY/GET (Redis 7.0's ACLUserCheckCmdWithUnrestrictedKeyAccess): some selector that allows SORT must also
    /// allow reading every key, since the patterns name keys the check cannot see.
    /// </summary>
    public static bool HasFullKeyAccess(AclUser? user, CommandDef def)
    {
        if (user is null) return true;
        var state = user.State;
        if (state.Unrestricted) return true;
        if (state.Root.IsAllowed(def.Id) && FullReadAccess(state.Root)) return true;
        foreach (var selector in state.Selectors)
        {
            if (selector.IsAllowed(def.Id) && FullReadAccess(selector)) return true;
        }
        return false;
    }

    private static bool FullReadAccess(AclSelector selector)
    {
        if (selector.AllKeys) return true;
        foreach (var pattern in selector.Keys)
        {
            if ((pattern.Access & KeyAccess.Read) != 0 && pattern.Pattern.AsSpan().SequenceEqual("*"u8)) return true;
        }
        return false;
    }
}
