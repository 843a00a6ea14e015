using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Streams;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.Streams;

/// <summary>XGROUP CREATE / SETID / DESTROY / CREATECONSUMER / DELCONSUMER / HELP, with Redis 7.0's checks in its order.</summary>
public static class StreamGroupCommands
{
    public static void Create(ref CommandContext ctx)
    {
        bool mkStream = false;
        long entriesRead = StreamGroup.InvalidEntriesRead;
        for (int i = 5; i < ctx.Args.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(ctx.Args[i], "MKSTREAM"u8)) mkStream = true;
            else if (Ascii.EqualsIgnoreCase(ctx.Args[i], "ENTRIESREAD"u8) && i + 1 < ctx.Args.Count)
            {
                if (!TryParseEntriesRead(ref ctx, ctx.Args[++i], out entriesRead)) return;
            }
            else
            {
                WriteSubcommandSyntaxError(ref ctx);
                return;
            }
        }
        if (ctx.Args.Count > 8)
        {
            WriteSubcommandSyntaxError(ref ctx);
            return;
        }
        using var k = ctx.Open(ctx.Args[2], Lookup.Write);
        if (!TryGetStream(ref ctx, in k, allowMissing: mkStream, out var s)) return;
        StreamId id;
        var idArg = ctx.Args[4];
        if (idArg.Length == 1 && idArg[0] == (byte)'$') id = s?.LastId ?? StreamId.Min;
        else if (!StreamId.TryParse(idArg, 0, false, false, out id, out _))
        {
            ctx.Writer.WriteError(StreamErrors.InvalidId);
            return;
        }
        if (s is not null && s.FindGroup(ctx.Args[3]) is not null)
        {
            ctx.Writer.WriteError(StreamErrors.BusyGroup);
            return;
        }
        s ??= k.Add(ValueKind.Stream, new StreamValue());
        s.CreateGroup(ctx.Args[3], id, entriesRead);
        ctx.Writer.WriteRaw(RespReplies.Ok);
        ctx.Notify(Ev.Stream, "xgroup-create"u8, ctx.Args[2]);
    }

    public static void SetId(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[2], Lookup.Write);
        if (!TryGetGroup(ref ctx, in k, out var s, out var g)) return;
        if (ctx.Args.Count != 5 && ctx.Args.Count != 7)
        {
            WriteSubcommandSyntaxError(ref ctx);
            return;
        }
        StreamId id;
        var idArg = ctx.Args[4];
        if (idArg.Length == 1 && idArg[0] == (byte)'$') id = s.LastId;
        else if (!StreamId.TryParse(idArg, 0, true, false, out id, out _))
        {
            ctx.Writer.WriteError(StreamErrors.InvalidId);
            return;
        }
        long entriesRead = StreamGroup.InvalidEntriesRead;
        if (ctx.Args.Count == 7)
        {
            if (!Ascii.EqualsIgnoreCase(ctx.Args[5], "ENTRIESREAD"u8))
            {
                WriteSubcommandSyntaxError(ref ctx);
                return;
            }
            if (!TryParseEntriesRead(ref ctx, ctx.Args[6], out entriesRead)) return;
        }
        g.LastId = id;
        g.EntriesRead = entriesRead;
        ctx.Writer.WriteRaw(RespReplies.Ok);
        ctx.Notify(Ev.Stream, "xgroup-setid"u8, ctx.Args[2]);
    }

    public static void Destroy(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[2], Lookup.Write);
        if (!TryGetStream(ref ctx, in k, allowMissing: false, out var s)) return;
        if (!s!.RemoveGroup(ctx.Args[3]))
        {
            ctx.SkipPropagation();
            ctx.Writer.WriteRaw(RespReplies.Zero);
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.One);
        ctx.Notify(Ev.Stream, "xgroup-destroy"u8, ctx.Args[2]);
        // Readers blocked on the group get -NOGROUP.
        StreamWaiters.Wake(ctx.Db, in k, s, ctx.NowMs, ctx.Session.InExec);
    }

    public static void CreateConsumer(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[2], Lookup.Write);
        if (!TryGetGroup(ref ctx, in k, out _, out var g)) return;
        g.GetOrAddConsumer(ctx.Args[4], ctx.NowMs, out bool created);
        if (!created) ctx.SkipPropagation();
        else ctx.Notify(Ev.Stream, "xgroup-createconsumer"u8, ctx.Args[2]);
        ctx.Writer.WriteRaw(created ? RespReplies.One : RespReplies.Zero);
    }

    public static void DelConsumer(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[2], Lookup.Write);
        if (!TryGetGroup(ref ctx, in k, out _, out var g)) return;
        var consumer = g.FindConsumer(ctx.Args[4]);
        if (consumer is null)
        {
            ctx.SkipPropagation();
            ctx.Writer.WriteRaw(RespReplies.Zero);
            return;
        }
        long pending = g.RemoveConsumer(consumer);
        ctx.Notify(Ev.Stream, "xgroup-delconsumer"u8, ctx.Args[2]);
        ctx.Writer.WriteInteger(pending);
    }

    public static void Help(ref CommandContext ctx) => Server.HelpText.Write(ref ctx, "XGROUP", Lines);

    private static readonly string[] Lines =
    [
        "CREATE <key> <group> <id|$> [MKSTREAM] [ENTRIESREAD <n>]",
        "    Adds a consumer group reading after <id> ($: the last entry); MKSTREAM creates a missing stream.",
        "CREATECONSUMER <key> <group> <consumer>",
        "    Adds a consumer to the group.",
        "DELCONSUMER <key> <group> <consumer>",
        "    Removes a consumer and its pending entries; replies how many were pending.",
        "DESTROY <key> <group>",
        "    Removes the group.",
        "SETID <key> <group> <id|$> [ENTRIESREAD <n>]",
        "    Moves the group's last delivered ID.",
    ];

    private static bool TryParseEntriesRead(ref CommandContext ctx, ReadOnlySpan<byte> text, out long entriesRead)
    {
        if (!Numbers.TryParseInt64(text, out entriesRead))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return false;
        }
        if (entriesRead < 0 && entriesRead != StreamGroup.InvalidEntriesRead)
        {
            ctx.Writer.WriteError(StreamErrors.EntriesReadInvalid);
            return false;
        }
        return true;
    }

    /// <summary>The stream at argument 2: WRONGTYPE, or Redis's "requires the key to exist" unless <paramref name="allowMissing"/>.</summary>
    private static bool TryGetStream(ref CommandContext ctx, scoped in KeyHandle k, bool allowMissing, out StreamValue? s)
    {
        s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return false;
        }
        if (s is null && !allowMissing)
        {
            ctx.Writer.WriteError(StreamErrors.GroupKeyMissing);
            return false;
        }
        return true;
    }

    private static bool TryGetGroup(ref CommandContext ctx, scoped in KeyHandle k, out StreamValue s, out StreamGroup g)
    {
        g = null!;
        if (!TryGetStream(ref ctx, in k, allowMissing: false, out var stream))
        {
            s = null!;
            return false;
        }
        s = stream!;
        var group = s.FindGroup(ctx.Args[3]);
        if (group is null)
        {
            ctx.Writer.WriteError(StreamErrors.NoGroupForKey(ctx.Args[2], ctx.Args[3]));
            return false;
        }
        g = group;
        return true;
    }

    /// <summary>Redis's addReplySubcommandSyntaxError, naming the subcommand as typed.</summary>
    internal static void WriteSubcommandSyntaxError(ref CommandContext ctx) =>
        ctx.Writer.WriteError($"ERR unknown subcommand or wrong number of arguments for '{ErrorText.Text(ctx.Args[1])}'. Try {ErrorText.Text(ctx.Args[0]).ToUpperInvariant()} HELP.");
}
