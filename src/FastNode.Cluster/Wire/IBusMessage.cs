namespace FastNode.Cluster.Wire;

/// <summary>A decoded bus payload. Each message type is one record that writes itself.</summary>
public interface IBusMessage
{
    MessageType Type { get; }

    void Write(WireWriter writer);
}
