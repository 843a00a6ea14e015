using FastNode.Server.Sessions;

namespace FastNode.Server.Commands.Connection;

/// <summary>Parsing and classification of <see cref="ClientType"/>.</summary>
public static class ClientTypes
{
    public static bool TryParse(ReadOnlySpan<byte> name, out ClientType type)
    {
        if (Ascii.EqualsIgnoreCase(name, "NORMAL"u8)) type = ClientType.Normal;
        else if (Ascii.EqualsIgnoreCase(name, "MASTER"u8)) type = ClientType.Master;
        else if (Ascii.EqualsIgnoreCase(name, "REPLICA"u8) || Ascii.EqualsIgnoreCase(name, "SLAVE"u8)) type = ClientType.Replica;
        else if (Ascii.EqualsIgnoreCase(name, "PUBSUB"u8)) type = ClientType.PubSub;
        else
        {
            type = default;
            return false;
        }
        return true;
    }

    /// <summary>A replica's connection, the link to this server's primary, a subscriber (any subscription), or a normal client.</summary>
    public static ClientType Of(ClientSession client) =>
        client.IsMasterLink ? ClientType.Master
        : client.Replica is not null ? ClientType.Replica
        : client.PubSub is { Active: true } ? ClientType.PubSub
        : ClientType.Normal;
}
