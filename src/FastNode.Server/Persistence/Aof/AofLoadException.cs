namespace FastNode.Server.Persistence.Aof;

/// <summary>An AOF that cannot be loaded: start-up stops with this one-line message (file and offset included).</summary>
public sealed class AofLoadException(string message) : Exception(message);
