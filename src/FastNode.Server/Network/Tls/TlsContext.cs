using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastNode.Server.Network.Tls;

/// <summary>
/// What one reading of the tls-* settings produced: the server certificate (with its chain), the trusted CAs, the
/// certificate this server presents when it dials, protocols and ciphers. Immutable: a reload builds a new one and
/// swaps it in, so connections in their handshake keep the one they started with, and new ones get the new one.
/// Checks follow Redis 7.0's tlsConfigure, and the exception messages are its log lines.
/// </summary>
public sealed class TlsContext
{
    private readonly X509Certificate2Collection _trusted;
    private readonly string _authClients;
    private readonly SslProtocols _protocols;
    private readonly CipherSuitesPolicy? _ciphers;
    private readonly X509Certificate2Collection _clientCertificate;

    private TlsContext(SslStreamCertificateContext server, X509Certificate2Collection trusted, string authClients,
        SslProtocols protocols, CipherSuitesPolicy? ciphers, X509Certificate2 clientCertificate)
    {
        ServerCertificate = server;
        _trusted = trusted;
        _authClients = authClients;
        _protocols = protocols;
        _ciphers = ciphers;
        _clientCertificate = [clientCertificate];
        ServerOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = server,
            // "optional" asks for a certificate too; the check then lets a client without one through.
            ClientCertificateRequired = authClients != "no",
            RemoteCertificateValidationCallback = ValidateClient,
            EnabledSslProtocols = protocols,
            CipherSuitesPolicy = ciphers,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        PeerServerOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = server,
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = ValidateServer,
            EnabledSslProtocols = protocols,
            CipherSuitesPolicy = ciphers,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
    }

    /// <summary>For accepted cluster bus links: the peer node must present a trusted certificate (Redis: always, on the bus).</summary>
    public SslServerAuthenticationOptions PeerServerOptions { get; }

    public SslStreamCertificateContext ServerCertificate { get; }

    /// <summary>For accepted connections (shared by every handshake: .NET copies it).</summary>
    public SslServerAuthenticationOptions ServerOptions { get; }

    /// <summary>For a link this server dials (replication, cluster bus): presents tls-client-cert-file or the server certificate.</summary>
    public SslClientAuthenticationOptions ClientOptions(string host) => new()
    {
        TargetHost = host,
        ClientCertificates = _clientCertificate,
        RemoteCertificateValidationCallback = ValidateServer,
        EnabledSslProtocols = _protocols,
        CipherSuitesPolicy = _ciphers,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>Reads the files the settings name. Throws <see cref="TlsConfigException"/> (Redis's log line) when one is missing or bad.</summary>
    public static TlsContext Load(TlsOptions o)
    {
        if (o.CertFile.Length == 0) throw new TlsConfigException("No tls-cert-file configured!");
        if (o.KeyFile.Length == 0) throw new TlsConfigException("No tls-key-file configured!");
        if ((o.AuthClients != "no" || o.Cluster || o.Replication) && o.CaCertFile.Length == 0 && o.CaCertDir.Length == 0)
            throw new TlsConfigException("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!");

        var protocols = ParseProtocols(o.Protocols);
        var ciphers = TlsCiphers.Policy(o.Ciphers, o.CipherSuites);
        var (leaf, chain) = LoadCertificate(o.CertFile, o.KeyFile, o.KeyFilePass, "");
        var server = SslStreamCertificateContext.Create(leaf, chain, offline: true);
        var client = o.ClientCertFile.Length > 0
            ? LoadCertificate(o.ClientCertFile, o.ClientKeyFile.Length > 0 ? o.ClientKeyFile : o.ClientCertFile, o.ClientKeyFilePass, "client ").Leaf
            : leaf;
        var trusted = LoadCas(o.CaCertFile, o.CaCertDir);
        return new TlsContext(server, trusted, o.AuthClients, protocols, ciphers, client);
    }

    private static (X509Certificate2 Leaf, X509Certificate2Collection Chain) LoadCertificate(string certFile, string keyFile, string pass, string kind)
    {
        X509Certificate2 leaf;
        try
        {
            leaf = pass.Length > 0
                ? X509Certificate2.CreateFromEncryptedPemFile(certFile, pass, keyFile)
                : X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            string file = File.Exists(certFile) ? keyFile : certFile;
            string what = file == certFile ? $"Failed to load {kind}certificate" : $"Failed to load {kind}private key";
            throw new TlsConfigException($"{what}: {file}: {Reason(ex)}");
        }
        catch (CryptographicException ex)
        {
            throw new TlsConfigException($"Failed to load {kind}certificate or private key: {certFile}, {keyFile}: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            throw new TlsConfigException($"Failed to load {kind}certificate: {certFile}: {ex.Message}");
        }
        // Certificates after the first in the file are its chain, sent along in the handshake (as OpenSSL's use_certificate_chain_file).
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certFile);
        var chain = new X509Certificate2Collection();
        for (int i = 1; i < all.Count; i++) chain.Add(all[i]);
        return (leaf, chain);
    }

    private static X509Certificate2Collection LoadCas(string caFile, string caDir)
    {
        var trusted = new X509Certificate2Collection();
        try
        {
            if (caFile.Length > 0) trusted.ImportFromPemFile(caFile);
            if (caDir.Length > 0)
            {
                // OpenSSL's CA directories hold one PEM certificate per file (hash-named links or plain names).
                foreach (var file in Directory.EnumerateFiles(caDir))
                {
                    try
                    {
                        trusted.ImportFromPemFile(file);
                    }
                    catch (CryptographicException)
                    {
                        // Not a certificate (a README, a CRL): OpenSSL would skip it too.
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TlsConfigException($"Failed to configure CA certificate(s) file/directory: {Reason(ex)}");
        }
        if ((caFile.Length > 0 || caDir.Length > 0) && trusted.Count == 0)
            throw new TlsConfigException("Failed to configure CA certificate(s) file/directory: no certificate found");
        return trusted;
    }

    private static string Reason(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ => ex.Message,
    };

#pragma warning disable SYSLIB0039 // TLSv1 and TLSv1.1 are obsolete; Redis still accepts them when named.
    /// <summary>tls-protocols: any of TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 (case-insensitive); empty = TLSv1.2 and TLSv1.3.</summary>
    public static SslProtocols ParseProtocols(string text)
    {
        var protocols = SslProtocols.None;
        foreach (var name in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            protocols |= name.ToLowerInvariant() switch
            {
                "tlsv1" => SslProtocols.Tls,
                "tlsv1.1" => SslProtocols.Tls11,
                "tlsv1.2" => SslProtocols.Tls12,
                "tlsv1.3" => SslProtocols.Tls13,
                _ => throw new TlsConfigException("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'."),
            };
        }
        return protocols == SslProtocols.None ? SslProtocols.Tls12 | SslProtocols.Tls13 : protocols;
    }
#pragma warning restore SYSLIB0039

    /// <summary>A client's certificate: required (yes), checked if sent (optional), or ignored (no).</summary>
    private bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_authClients == "no") return true;
        if (certificate is null) return _authClients == "optional";
        return Trusted(certificate, chain);
    }

    /// <summary>
    /// The primary's or a peer's certificate, when this server dials: signed by a trusted CA. As in Redis, the host
    /// name is not checked (nodes are reached by address).
    /// </summary>
    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && Trusted(certificate, chain);

    private bool Trusted(X509Certificate certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Intermediates the peer sent along.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return chain.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
    }
}
