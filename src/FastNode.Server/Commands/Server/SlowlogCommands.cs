using FastNode.Protocol;

namespace FastNode.Server.Commands.Server;

/// <summary>SLOWLOG GET/LEN/RESET/HELP over the server's slow log (Monitoring/SlowLog.cs).</summary>
public static class SlowlogCommands
{
    private const long DefaultCount = 10;

    public static void Get(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError(ErrorText.SubcommandSyntax(ctx.Args[0], ctx.Args[1]));
            return;
        }
        long count = DefaultCount;
        if (ctx.Args.Count == 3 && (!Numbers.TryParseInt64(ctx.Args[2], out count) || count < -1))
        {
            ctx.Writer.WriteError("ERR count should be greater than or equal to -1");
            return;
        }
        var entries = ctx.Server.Monitoring.SlowLog.Latest(count);
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
        {
            w.WriteArrayHeader(6);
            w.WriteInteger(entry.Id);
            w.WriteInteger(entry.TimestampSeconds);
            w.WriteInteger(entry.DurationMicros);
            w.WriteArrayHeader(entry.Args.Length);
            foreach (var arg in entry.Args) w.WriteBulkString(arg);
            w.WriteBulkString(entry.ClientAddress);
            w.WriteBulkString(entry.ClientName);
        }
    }

    public static void Len(ref CommandContext ctx) => ctx.Writer.WriteInteger(ctx.Server.Monitoring.SlowLog.Count);

    public static void Reset(ref CommandContext ctx)
    {
        ctx.Server.Monitoring.SlowLog.Reset();
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "SLOWLOG",
    [
        "GET [<count>]", "    The newest <count> slow log entries (10 when not given, -1 for all). Each entry is:",
        "    id, unix time, duration in microseconds, arguments, client address, client name.",
        "LEN", "    How many entries the slow log holds.",
        "RESET", "    Empty the slow log.",
    ]);
}
