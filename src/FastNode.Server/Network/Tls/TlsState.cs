using Microsoft.Extensions.Logging;

namespace FastNode.Server.Network.Tls;

/// <summary>
/// The server's TLS at run time: the current <see cref="TlsContext"/> and what a CONFIG SET of a tls-* setting does
/// (Redis's applyTlsCfg and applyTLSPort): read the files again and swap the context in, or refuse and keep the old
/// one; move the TLS listener when tls-port changed.
/// </summary>
public sealed class TlsState
{
    private readonly TlsOptions _options;
    private readonly ILogger _log;
    private volatile TlsContext? _context;

    public TlsState(TlsOptions options, ILoggerFactory loggers)
    {
        _options = options;
        _log = loggers.CreateLogger("FastNode.Tls");
        options.Apply = Apply;
    }

    /// <summary>The context new connections and new links use; null while TLS is not in use.</summary>
    public TlsContext? Context => _context;

    /// <summary>The context for a link this server dials, or an exception saying why there is none.</summary>
    public TlsContext ForDialing => _context ?? throw new IOException("TLS is not configured (tls-cert-file, tls-key-file, tls-ca-cert-file)");

    /// <summary>Installed by the listener: moves the TLS listener to a new tls-port (0 = close it); throws SocketException.</summary>
    internal Action<int>? Rebind { get; set; }

    /// <summary>The port the TLS listener is bound to (0 = none).</summary>
    public int BoundPort { get; internal set; }

    /// <summary>
    /// Start-up: reads the files when TLS is in use. Throws <see cref="TlsConfigException"/>; the caller logs
    /// "Failed to configure TLS. Check logs for more info." and exits, as Redis does.
    /// </summary>
    public void Configure()
    {
        if (_options.InUse) _context = TlsContext.Load(_options);
    }

    private string? Apply()
    {
        if (_options.InUse)
        {
            try
            {
                _context = TlsContext.Load(_options);
            }
            catch (TlsConfigException ex)
            {
                _log.LogWarning("{Reason}", ex.Message);
                _log.LogWarning("Failed applying new TLS configuration. Restoring previous settings.");
                return "Unable to update TLS configuration. Check server logs.";
            }
        }
        if (Rebind is { } rebind && _options.Port != BoundPort)
        {
            try
            {
                rebind(_options.Port);
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                _log.LogWarning("Failed to listen on TLS port {Port}: {Error}", _options.Port, ex.Message);
                return "Unable to listen on this port. Check server logs.";
            }
        }
        return null;
    }
}
