using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace FastNode.Protocol;

/// <summary>
/// Malformed input. The connection answers "-ERR Protocol error: {Message}" and closes.
/// Incomplete input is never an exception: the reader just reports that it needs more data.
/// </summary>
public sealed class RespProtocolException(string reason, bool replyBeforeClose = true) : Exception(reason)
{
    /// <summary>False when Redis closes without a reply (the query buffer limit).</summary>
    public bool ReplyBeforeClose { get; } = replyBeforeClose;

    [DoesNotReturn, StackTraceHidden]
    public static void ThrowQueryBufferLimit() =>
        throw new RespProtocolException("client reached max query buffer length", replyBeforeClose: false);

    [DoesNotReturn, StackTraceHidden]
    public static void Throw(string reason) => throw new RespProtocolException(reason);

    [DoesNotReturn, StackTraceHidden]
    public static void ThrowExpectedDollar(byte got) =>
        throw new RespProtocolException($"expected '$', got '{(char)got}'");
}
