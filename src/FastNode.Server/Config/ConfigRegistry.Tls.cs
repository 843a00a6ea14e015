using FastNode.Server.Network.Tls;

namespace FastNode.Server.Config;

/// <summary>
/// The tls-* settings (docs/tls.md), with Redis 7.0's names, defaults and checks. Every one of them is applied after
/// all values of a CONFIG SET are in place (tls-cert-file and tls-key-file usually change together): the files are
/// read again, and a missing or bad one refuses the whole CONFIG SET and keeps the certificate in use.
/// </summary>
public sealed partial class ConfigRegistry
{
    private void AddTlsSettings(TlsOptions t)
    {
        Func<string?> apply = () => t.Apply?.Invoke();
        Tls(apply, new ConfigSetting("tls-port", () => Text(t.Port), v => IntSetting(v, 0, 65535, n => t.Port = n)));
        Tls(apply, TextSetting("tls-cert-file", () => t.CertFile, v => t.CertFile = v));
        Tls(apply, TextSetting("tls-key-file", () => t.KeyFile, v => t.KeyFile = v));
        Tls(apply, TextSetting("tls-key-file-pass", () => t.KeyFilePass, v => t.KeyFilePass = v));
        Tls(apply, TextSetting("tls-client-cert-file", () => t.ClientCertFile, v => t.ClientCertFile = v));
        Tls(apply, TextSetting("tls-client-key-file", () => t.ClientKeyFile, v => t.ClientKeyFile = v));
        Tls(apply, TextSetting("tls-client-key-file-pass", () => t.ClientKeyFilePass, v => t.ClientKeyFilePass = v));
        Tls(apply, TextSetting("tls-ca-cert-file", () => t.CaCertFile, v => t.CaCertFile = v));
        Tls(apply, TextSetting("tls-ca-cert-dir", () => t.CaCertDir, v => t.CaCertDir = v));
        Tls(apply, TextSetting("tls-protocols", () => t.Protocols, v => t.Protocols = v));
        Tls(apply, TextSetting("tls-ciphers", () => t.Ciphers, v => t.Ciphers = v));
        Tls(apply, TextSetting("tls-ciphersuites", () => t.CipherSuites, v => t.CipherSuites = v));
        Choice("tls-auth-clients", () => t.AuthClients, v => t.AuthClients = v, immutable: false, ["no", "yes", "optional"]);
        Tls(apply, _settings["tls-auth-clients"]);
        Bool("tls-replication", () => t.Replication, v => t.Replication = v);
        Tls(apply, _settings["tls-replication"]);
        Bool("tls-cluster", () => t.Cluster, v => t.Cluster = v);
        Tls(apply, _settings["tls-cluster"]);
        // Accepted, checked and reported; .NET decides these itself (docs/tls.md says how).
        PassThrough("tls-dh-params-file", "");
        PassThrough("tls-prefer-server-ciphers", "no");
        PassThrough("tls-session-caching", "yes");
        Int("tls-session-cache-size", () => _tlsSessionCacheSize, v => _tlsSessionCacheSize = v, 0, int.MaxValue);
        Int("tls-session-cache-timeout", () => _tlsSessionCacheTimeout, v => _tlsSessionCacheTimeout = v, 0, int.MaxValue);
    }

    private int _tlsSessionCacheSize = 20 * 1024;
    private int _tlsSessionCacheTimeout = 300;

    /// <summary>Adds the setting (or replaces it, for one already added) with the TLS apply step.</summary>
    private void Tls(Func<string?> apply, ConfigSetting setting)
    {
        var applied = setting with { Apply = apply };
        if (_settings.ContainsKey(setting.Name))
        {
            _settings[setting.Name] = applied;
            int at = _ordered.FindIndex(e => e.Key == setting.Name);
            _ordered[at] = new(setting.Name, applied);
        }
        else Add(applied);
    }

    private static ConfigSetting TextSetting(string name, Func<string> get, Action<string> set) => new(name, get, v => Assign(() => set(v)));

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? IntSetting(string v, long min, long max, Action<int> set)
    {
        if (!long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long n)) return NotInteger;
        if (n < min || n > max) return $"argument must be between {min} and {max} inclusive";
        set((int)n);
        return null;
    }
}
