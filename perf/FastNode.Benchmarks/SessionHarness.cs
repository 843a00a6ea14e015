using System.Buffers;
using System.Text;
using FastNode.Server;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Benchmarks;

/// <summary>
/// One server and one client session driven through <see cref="CommandProcessor"/>: the real
/// parse -> dispatch -> execute -> write path, without a socket or a pipe.
/// </summary>
public sealed class SessionHarness
{
    public SessionHarness()
    {
        Server = new ServerState(new ServerOptions { Port = 0 });
        Session = new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", Server.NowMs);
        Processor = new CommandProcessor(Server, Session, NullLogger.Instance);
    }

    public ServerState Server { get; }
    public ClientSession Session { get; }
    public CommandProcessor Processor { get; }

    /// <summary>Runs a request buffer (setup and checks only: allocates) and returns all the reply bytes.</summary>
    public byte[] Execute(byte[] request)
    {
        var input = new ReadOnlySequence<byte>(request);
        var output = new ArrayBufferWriter<byte>();
        var reason = Processor.Process(ref input, output);
        if (reason is not null) throw new InvalidOperationException($"the session closed during setup: {reason}");
        if (!input.IsEmpty) throw new InvalidOperationException($"{input.Length} bytes of the request were left unparsed");
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Runs <paramref name="batch"/> once and throws, naming <paramref name="what"/>, unless it produced exactly
    /// <paramref name="expectedReplies"/> replies and none of them is an error (a benchmark of an error path
    /// would measure the wrong thing, e.g. a command that is not implemented yet).
    /// </summary>
    public void CheckReplies(string what, byte[] batch, int expectedReplies)
    {
        var replies = Execute(batch);
        int pos = 0;
        for (int n = 0; n < expectedReplies; n++)
        {
            if (pos >= replies.Length) throw new InvalidOperationException($"{what}: only {n} of {expectedReplies} replies");
            if (replies[pos] == (byte)'-')
            {
                int end = replies.AsSpan(pos).IndexOf("\r\n"u8);
                throw new InvalidOperationException(
                    $"{what}: the server replied with an error, so this benchmark would measure the error path: " +
                    Encoding.UTF8.GetString(replies, pos, end));
            }
            SkipReply(replies, ref pos);
        }
        if (pos != replies.Length) throw new InvalidOperationException($"{what}: more than {expectedReplies} replies");
    }

    // RESP2 only (the benchmark session never says HELLO 3): simple strings, errors, integers, bulks, arrays.
    private static void SkipReply(byte[] data, ref int pos)
    {
        int lineEnd = pos + data.AsSpan(pos).IndexOf("\r\n"u8);
        byte type = data[pos];
        int start = pos + 1;
        pos = lineEnd + 2;
        if (type is not ((byte)'$' or (byte)'*')) return;
        long count = long.Parse(Encoding.ASCII.GetString(data, start, lineEnd - start));
        if (type == (byte)'$' && count >= 0) pos += (int)count + 2;
        else for (long i = 0; i < count; i++) SkipReply(data, ref pos);
    }
}
