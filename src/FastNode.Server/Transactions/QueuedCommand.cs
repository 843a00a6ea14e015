using FastNode.Protocol;

namespace FastNode.Server.Transactions;

/// <summary>A command queued between MULTI and EXEC: its arguments copied out of the input buffer.</summary>
public sealed class QueuedCommand
{
    private readonly byte[] _data;
    private readonly ArgRange[] _ranges;

    public QueuedCommand(CommandArgs args)
    {
        int total = 0;
        for (int i = 0; i < args.Count; i++) total += args[i].Length;
        _data = new byte[total];
        _ranges = new ArgRange[args.Count];
        int offset = 0;
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            arg.CopyTo(_data.AsSpan(offset));
            _ranges[i] = new ArgRange(offset, arg.Length);
            offset += arg.Length;
        }
    }

    public CommandArgs Args => new(_data, _ranges);
}
