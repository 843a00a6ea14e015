using System.Security.Cryptography;
using System.Text;
using FastNode.Protocol;
using FastNode.Server.Acl;
using FastNode.Server.Commands.Server;

namespace FastNode.Server.Commands.Acl;

/// <summary>ACL SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, GENPASS, DRYRUN, SAVE, LOAD, HELP (Redis 7.0).</summary>
public static class AclCommands
{
    private const string NoAclFile = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

    /// <summary>Redis names the subcommand as the client spelled it.</summary>
    private static string WrongSubcommandArity(ReadOnlySpan<byte> sub) =>
        $"ERR unknown subcommand or wrong number of arguments for '{Encoding.UTF8.GetString(sub)}'. Try ACL HELP.";

    public static void SetUser(ref CommandContext ctx)
    {
        var args = ctx.Args;
        var rules = new string[args.Count - 3];
        for (int i = 3; i < args.Count; i++) rules[i - 3] = Encoding.UTF8.GetString(args[i]);
        if (ctx.Server.Acl.SetUser(Encoding.UTF8.GetString(args[2]), rules) is { } error)
        {
            ctx.Writer.WriteError(error);
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void GetUser(ref CommandContext ctx)
    {
        if (ctx.Server.Acl.Find(Encoding.UTF8.GetString(ctx.Args[2])) is not { } user)
        {
            ctx.Writer.WriteNullBulk();
            return;
        }
        var state = user.State;
        ref var w = ref ctx.Writer;
        w.WriteMapHeader(6);
        w.WriteBulkString("flags"u8);
        var flags = new List<string> { state.Enabled ? "on" : "off" };
        if (state.NoPass) flags.Add("nopass");
        if (state.SanitizePayload is { } sanitize) flags.Add(sanitize ? "sanitize-payload" : "skip-sanitize-payload");
        w.WriteSetHeader(flags.Count);
        foreach (var flag in flags) w.WriteBulkString(flag);
        w.WriteBulkString("passwords"u8);
        w.WriteArrayHeader(state.PasswordHashes.Count);
        foreach (var hash in state.PasswordHashes) w.WriteBulkString(hash);
        WriteSelector(ref w, state.Root);
        w.WriteBulkString("selectors"u8);
        w.WriteArrayHeader(state.Selectors.Count);
        foreach (var selector in state.Selectors)
        {
            w.WriteMapHeader(3);
            WriteSelector(ref w, selector);
        }
    }

    private static void WriteSelector(ref RespWriter w, AclSelector selector)
    {
        w.WriteBulkString("commands"u8);
        w.WriteBulkString(selector.DescribeCommands());
        w.WriteBulkString("keys"u8);
        w.WriteBulkString(selector.DescribeKeys());
        w.WriteBulkString("channels"u8);
        w.WriteBulkString(selector.DescribeChannels());
    }

    public static void DelUser(ref CommandContext ctx)
    {
        var args = ctx.Args;
        var names = new List<string>(args.Count - 2);
        for (int i = 2; i < args.Count; i++)
        {
            string name = Encoding.UTF8.GetString(args[i]);
            if (name == UserDirectory.DefaultName)
            {
                ctx.Writer.WriteError("ERR The 'default' user cannot be removed");
                return;
            }
            names.Add(name);
        }
        ctx.Writer.WriteInteger(ctx.Server.Acl.Delete(names, ctx.Session));
    }

    public static void List(ref CommandContext ctx)
    {
        var users = ctx.Server.Acl.Users();
        ctx.Writer.WriteArrayHeader(users.Count);
        foreach (var user in users) ctx.Writer.WriteBulkString(AclRules.Describe(user));
    }

    public static void Users(ref CommandContext ctx)
    {
        var users = ctx.Server.Acl.Users();
        ctx.Writer.WriteArrayHeader(users.Count);
        foreach (var user in users) ctx.Writer.WriteBulkString(user.Name);
    }

    public static void WhoAmI(ref CommandContext ctx) =>
        ctx.Writer.WriteBulkString(ctx.Session.User?.Name ?? UserDirectory.DefaultName);

    public static void Cat(ref CommandContext ctx)
    {
        ref var w = ref ctx.Writer;
        if (ctx.Args.Count == 2)
        {
            w.WriteArrayHeader(CommandCategories.Names.Length);
            foreach (var name in CommandCategories.Names) w.WriteBulkString(name);
            return;
        }
        if (ctx.Args.Count > 3)
        {
            w.WriteError(WrongSubcommandArity(ctx.Args[1]));
            return;
        }
        string category = Encoding.UTF8.GetString(ctx.Args[2]);
        int index = CommandCategories.IndexOf(category);
        if (index < 0)
        {
            w.WriteError($"ERR Unknown category '{category}'");
            return;
        }
        var acl = ctx.Server.Acl.Index;
        var names = new List<string>();
        foreach (var def in acl.All)
        {
            if (acl.InCategory(def, index)) names.Add(def.FullName);
        }
        w.WriteArrayHeader(names.Count);
        foreach (var name in names) w.WriteBulkString(name);
    }

    /// <summary>ACL GENPASS [bits]: random bits (256 by default) as lower-case hex, rounded up to whole hex digits.</summary>
    public static void GenPass(ref CommandContext ctx)
    {
        long bits = 256;
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError(WrongSubcommandArity(ctx.Args[1]));
            return;
        }
        if (ctx.Args.Count == 3 && !Numbers.TryParseInt64(ctx.Args[2], out bits))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (bits <= 0 || bits > 4096)
        {
            ctx.Writer.WriteError("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096");
            return;
        }
        int chars = (int)((bits + 3) / 4);
        var bytes = RandomNumberGenerator.GetBytes((chars + 1) / 2);
        ctx.Writer.WriteBulkString(Convert.ToHexStringLower(bytes)[..chars]);
    }

    /// <summary>ACL LOG [count | RESET].</summary>
    public static void Log(ref CommandContext ctx)
    {
        var acl = ctx.Server.Acl;
        long count = 10;
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError(WrongSubcommandArity(ctx.Args[1]));
            return;
        }
        if (ctx.Args.Count == 3)
        {
            if (Ascii.EqualsIgnoreCase(ctx.Args[2], "RESET"u8))
            {
                acl.Log.Reset();
                ctx.Writer.WriteRaw(RespReplies.Ok);
                return;
            }
            if (!Numbers.TryParseInt64(ctx.Args[2], out count))
            {
                ctx.Writer.WriteError(RespErrors.NotInteger);
                return;
            }
            count = Math.Max(0, count);
        }
        var entries = acl.Log.Snapshot(count);
        long now = ctx.Server.NowMs;
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(entries.Count);
        foreach (var e in entries)
        {
            w.WriteMapHeader(7);
            w.WriteBulkString("count"u8);
            w.WriteInteger(e.Count);
            w.WriteBulkString("reason"u8);
            w.WriteBulkString(e.Reason);
            w.WriteBulkString("context"u8);
            w.WriteBulkString(e.Context);
            w.WriteBulkString("object"u8);
            w.WriteBulkString(e.Object);
            w.WriteBulkString("username"u8);
            w.WriteBulkString(e.Username);
            w.WriteBulkString("age-seconds"u8);
            w.WriteDouble(Math.Max(0, now - e.CreatedMs) / 1000.0);
            w.WriteBulkString("client-info"u8);
            w.WriteBulkString(e.ClientInfo);
        }
    }

    /// <summary>ACL DRYRUN user command [arg ...]: whether the user could run it, without running it (nothing is logged).</summary>
    public static void DryRun(ref CommandContext ctx)
    {
        var args = ctx.Args;
        string name = Encoding.UTF8.GetString(args[2]);
        if (ctx.Server.Acl.Find(name) is not { } user)
        {
            ctx.Writer.WriteError($"ERR User '{name}' not found");
            return;
        }
        var call = args.Skip(3);
        var def = ctx.Server.Commands.Find(call);
        if (def is null || def.Flags.HasFlag(CommandFlags.Container))
        {
            ctx.Writer.WriteError($"ERR Command '{Encoding.UTF8.GetString(args[3])}' not found");
            return;
        }
        if (def.Arity > 0 ? call.Count != def.Arity : call.Count < -def.Arity)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(def.FullName));
            return;
        }
        var denial = UserDirectory.Evaluate(user.State, def, call, out int index);
        if (denial == AclDenial.None)
        {
            ctx.Writer.WriteRaw(RespReplies.Ok);
            return;
        }
        ctx.Writer.WriteBulkString(AclErrors.Describe(denial, def.FullName, Encoding.UTF8.GetString(call[index])));
    }

    public static void Save(ref CommandContext ctx)
    {
        string path = ctx.Server.Options.Acl.AclFile;
        if (path.Length == 0)
        {
            ctx.Writer.WriteError(NoAclFile);
            return;
        }
        if (AclFile.Save(ctx.Server.Acl, path) is { } error)
        {
            ctx.Writer.WriteError("ERR " + error);
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Load(ref CommandContext ctx)
    {
        string path = ctx.Server.Options.Acl.AclFile;
        if (path.Length == 0)
        {
            ctx.Writer.WriteError(NoAclFile);
            return;
        }
        if (AclFile.Load(ctx.Server.Acl, path, ctx.Session) is { } error)
        {
            ctx.Writer.WriteError("ERR " + error);
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "ACL",
    [
        "CAT [<category>]", "    List the command categories, or the commands of one category.",
        "DELUSER <username> [<username> ...]", "    Remove users (their connections are closed).",
        "DRYRUN <username> <command> [<arg> ...]", "    Tell whether a user could run a command, without running it.",
        "GETUSER <username>", "    Show a user's flags, passwords and permissions.",
        "GENPASS [<bits>]", "    Return a random password of 256 bits, or of <bits> bits.",
        "LIST", "    Show every user as a line of the ACL file.",
        "LOAD", "    Replace the users with the ones of the ACL file.",
        "LOG [<count> | RESET]", "    Show the latest refused commands and logins, or clear them.",
        "SAVE", "    Write the users to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]", "    Create a user or change its rules.",
        "USERS", "    List the user names.",
        "WHOAMI", "    Return this connection's user name.",
    ]);
}
