namespace FastNode.Server.Network.Tls;

/// <summary>A TLS setting that cannot be applied; the message is the log line Redis writes for the same mistake.</summary>
public sealed class TlsConfigException(string message) : Exception(message);
