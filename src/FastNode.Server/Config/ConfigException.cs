namespace FastNode.Server.Config;

/// <summary>A bad setting at start-up: printed as one line, and the process exits non-zero.</summary>
public sealed class ConfigException(string message) : Exception(message);
