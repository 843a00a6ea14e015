using FastNode.Server.Storage;

namespace FastNode.Server.Persistence.Snapshots;

/// <summary>A value as a DUMP payload (RDB value, version, CRC64), for the types a command cannot rebuild.</summary>
public interface IValueEncoder
{
    bool TryEncode(in Entry entry, out byte[] payload);
}
