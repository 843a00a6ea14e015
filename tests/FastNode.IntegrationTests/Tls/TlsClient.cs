using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FastNode.IntegrationTests.Tls;

/// <summary>A bare RESP client over TLS for tests: trusts the test CA, presents a client certificate if given.</summary>
public sealed class TlsClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly SslStream _stream;

    private TlsClient(TcpClient tcp, SslStream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    /// <summary>The certificate the server presented.</summary>
    public X509Certificate2 ServerCertificate => new(_stream.RemoteCertificate!);

    /// <summary>Connects and finishes the handshake; throws AuthenticationException or IOException when the server refuses.</summary>
    public static TlsClient Connect(int port, TestCertificates certs, X509Certificate2? clientCertificate = null)
    {
        var tcp = new TcpClient("127.0.0.1", port) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        var stream = new SslStream(tcp.GetStream(), false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, cert, _, _) => certs.Trusts(cert),
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            };
            stream.AuthenticateAsClientAsync(options).WaitAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
            return new TlsClient(tcp, stream);
        }
        catch
        {
            stream.Dispose();
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and returns its reply's raw text (one read: enough for the short replies tests use).</summary>
    public string Call(params string[] args)
    {
        var sb = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args) sb.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        _stream.Write(Encoding.UTF8.GetBytes(sb.ToString()));
        var buffer = new byte[64 * 1024];
        int n = _stream.Read(buffer);
        if (n == 0) throw new IOException("the server closed the connection");
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}
