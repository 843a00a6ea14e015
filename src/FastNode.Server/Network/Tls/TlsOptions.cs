namespace FastNode.Server.Network.Tls;

/// <summary>
/// The tls-* settings under Redis 7.0's names and defaults (docs/tls.md). Paths and texts are kept as given; they are
/// read into a <see cref="TlsContext"/> at start-up and again whenever CONFIG SET changes one of them.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>tls-port: the TLS listener's port (0 = no TLS listener).</summary>
    public int Port { get; set; }
    public string CertFile { get; set; } = "";
    public string KeyFile { get; set; } = "";
    public string KeyFilePass { get; set; } = "";
    /// <summary>tls-client-cert-file/-key-file: what this server presents when it dials (replication, cluster bus); "" = the server certificate.</summary>
    public string ClientCertFile { get; set; } = "";
    public string ClientKeyFile { get; set; } = "";
    public string ClientKeyFilePass { get; set; } = "";
    public string CaCertFile { get; set; } = "";
    public string CaCertDir { get; set; } = "";
    /// <summary>tls-auth-clients: yes (a client certificate signed by the CA is required), optional, or no.</summary>
    public string AuthClients { get; set; } = "yes";
    public bool Replication { get; set; }
    public bool Cluster { get; set; }
    /// <summary>tls-protocols: "TLSv1.2 TLSv1.3" and such; "" = TLSv1.2 and TLSv1.3, as Redis.</summary>
    public string Protocols { get; set; } = "";
    /// <summary>tls-ciphers (TLSv1.2) and tls-ciphersuites (TLSv1.3), colon-separated.</summary>
    public string Ciphers { get; set; } = "";
    public string CipherSuites { get; set; } = "";

    /// <summary>How long an accepted connection may take to finish its handshake before it is closed.</summary>
    internal TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when a certificate is needed at all: a TLS port, or TLS for replication or the cluster bus.</summary>
    public bool InUse => Port != 0 || Replication || Cluster;

    /// <summary>
    /// Installed by <see cref="TlsState"/>: re-reads the files and applies the settings after a CONFIG SET (Redis's
    /// apply function); returns null or the error reply's reason.
    /// </summary>
    internal Func<string?>? Apply { get; set; }
}
