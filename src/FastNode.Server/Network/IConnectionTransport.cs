using System.IO.Pipelines;
using System.Net.Sockets;

namespace FastNode.Server.Network;

/// <summary>
/// Moves bytes between a client socket and the two pipes a <see cref="Connection"/> works on: .NET Sockets
/// (<see cref="SocketPump"/>) or an epoll loop of our own (<see cref="Epoll.EpollTransport"/>).
/// </summary>
public interface IConnectionTransport
{
    /// <summary>What the command loop reads requests from.</summary>
    PipeReader Input { get; }

    /// <summary>What the command loop writes replies to.</summary>
    PipeWriter Output { get; }

    /// <summary>True when the last socket error was something other than a reset or an abort.</summary>
    SocketError? UnexpectedError { get; }

    /// <summary>
    /// An exception the transport caught while serving the client, which it closed for it (an epoll loop catches
    /// what the command loop throws on its thread, so the loop's other clients go on); null otherwise.
    /// </summary>
    Exception? Failure { get; }

    /// <summary>Starts receiving; the task ends when the client stops sending or the socket closes.</summary>
    Task ReceiveAsync();

    /// <summary>Starts sending replies; the task ends when the reply side is complete (and then closes the socket).</summary>
    Task SendAsync();

    /// <summary>Closes the socket (idempotent, any thread).</summary>
    void Close();

    /// <summary>
    /// Any thread: makes the command loop's pending read return soon (cancelled), on the thread that serves this
    /// connection and never inline on the caller's: the loop then drains the pushes queued for it.
    /// </summary>
    void Wake();
}
