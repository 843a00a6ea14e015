namespace FastNode.Server.Cluster;

/// <summary>nodes.conf cannot be read: start-up stops with this one-line message, which names the file.</summary>
public sealed class ClusterConfigException(string message) : Exception(message);
