namespace FastNode.Server.Storage;

/// <summary>
/// Optionally implemented by family objects so OBJECT ENCODING can answer the name Redis 7.0 would report for the
/// same content ("listpack" for a small hash, "hashtable" once it grows...). Called under the shard lock.
/// Without it OBJECT ENCODING falls back to a fixed name per kind (see <c>ObjectCommands</c>).
/// </summary>
public interface IObjectEncoding
{
    ReadOnlySpan<byte> ObjectEncoding { get; }
}
