namespace FastNode.Server.Network;

/// <summary>Why a connection ended; one per connection, counted in INFO stats and logged at Debug.</summary>
public enum DisconnectReason
{
    ClientClosed,
    Quit,
    ProtocolError,
    QueryBufferLimit,
    Killed,
    IdleTimeout,
    ServerShutdown,
    SocketError,
    InternalError,
    /// <summary>Its output buffer passed its class's client-output-buffer-limit (a subscriber that stopped reading).</summary>
    OutputBufferLimit,
    /// <summary>Closed by maxmemory-clients: its buffers were the largest when all clients' together reached the limit.</summary>
    ClientEviction,
}
