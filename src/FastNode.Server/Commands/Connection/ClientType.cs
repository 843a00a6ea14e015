namespace FastNode.Server.Commands.Connection;

/// <summary>Redis's client classes (CLIENT LIST TYPE, CLIENT KILL TYPE).</summary>
public enum ClientType
{
    Normal,
    Master,
    Replica,
    PubSub,
}
