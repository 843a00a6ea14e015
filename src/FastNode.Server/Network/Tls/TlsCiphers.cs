using System.Net.Security;

namespace FastNode.Server.Network.Tls;

/// <summary>
/// tls-ciphers and tls-ciphersuites as .NET can apply them: colon-separated cipher names become a
/// <see cref="CipherSuitesPolicy"/> (Linux and macOS only). Names may be IANA names (TLS_AES_256_GCM_SHA384,
/// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) or OpenSSL's names of the common TLSv1.2 suites; OpenSSL's keywords and
/// operators (DEFAULT, HIGH, !aNULL, @STRENGTH...) are accepted and not applied. An unknown name is refused.
/// </summary>
internal static class TlsCiphers
{
    private static readonly TlsCipherSuite[] Tls13Defaults =
        [TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_AES_128_GCM_SHA256];

    private static readonly Dictionary<string, TlsCipherSuite> OpenSslNames = new(StringComparer.Ordinal)
    {
        ["ECDHE-ECDSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-ECDSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-ECDSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-RSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["DHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        ["DHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-ECDSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        ["ECDHE-RSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        ["ECDHE-ECDSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        ["ECDHE-RSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    };

    private static readonly HashSet<string> OpenSslKeywords = new(StringComparer.Ordinal)
    {
        "DEFAULT", "COMPLEMENTOFDEFAULT", "ALL", "COMPLEMENTOFALL", "HIGH", "MEDIUM", "LOW", "SECLEVEL",
        "aNULL", "eNULL", "NULL", "kRSA", "aRSA", "RSA", "kEECDH", "kECDHE", "ECDHE", "EECDH", "ECDH", "kDHE", "DHE",
        "EDH", "aECDSA", "ECDSA", "AES", "AES128", "AES256", "AESGCM", "CHACHA20", "3DES", "DES", "RC4", "MD5",
        "SHA1", "SHA", "SHA256", "SHA384", "PSK", "SRP", "CAMELLIA", "ARIA", "EXPORT", "TLSv1.2", "TLSv1", "SSLv3",
    };

    /// <summary>
    /// The policy for both lists, or null when neither names a suite (.NET's and OpenSSL's defaults then apply).
    /// Throws <see cref="TlsConfigException"/> with Redis's log line for a name it cannot read.
    /// </summary>
    public static CipherSuitesPolicy? Policy(string ciphers, string cipherSuites)
    {
        var tls12 = Parse(ciphers, "ciphers");
        var tls13 = Parse(cipherSuites, "ciphersuites");
        if (tls12.Count == 0 && tls13.Count == 0) return null;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
        // One list restricts only its own protocol version: the other keeps its defaults.
        if (tls13.Count == 0) tls13.AddRange(Tls13Defaults);
        if (tls12.Count == 0) tls12.AddRange(OpenSslNames.Values);
        tls13.AddRange(tls12);
        return new CipherSuitesPolicy(tls13);
    }

    private static List<TlsCipherSuite> Parse(string text, string what)
    {
        var suites = new List<TlsCipherSuite>();
        foreach (var raw in text.Split([':', ',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Enum.TryParse<TlsCipherSuite>(raw, ignoreCase: false, out var suite) && raw.StartsWith("TLS_", StringComparison.Ordinal))
            {
                suites.Add(suite);
                continue;
            }
            if (OpenSslNames.TryGetValue(raw, out suite))
            {
                suites.Add(suite);
                continue;
            }
            if (IsKeyword(raw)) continue;
            throw new TlsConfigException($"Failed to configure {what}: {text}");
        }
        return suites;
    }

    /// <summary>OpenSSL's cipher-string syntax: keywords, combined with '+', prefixed by '!', '-' or '+', or @STRENGTH.</summary>
    private static bool IsKeyword(string token)
    {
        if (token.StartsWith('@')) return true;
        var bare = token.TrimStart('!', '-', '+');
        foreach (var part in bare.Split('+', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Split('=')[0];
            if (!OpenSslKeywords.Contains(name)) return false;
        }
        return bare.Length > 0;
    }
}
