namespace FastNode.Server.Persistence.Rdb;

/// <summary>How <see cref="RdbSnapshot.Write"/> writes a file.</summary>
public sealed class RdbSaveOptions
{
    /// <summary>LZF-compress strings longer than 20 bytes when that saves space (`rdbcompression`).</summary>
    public bool Compression { get; init; } = true;

    /// <summary>Write the CRC64 trailer; when false 8 zero bytes, which loaders accept (`rdbchecksum`).</summary>
    public bool Checksum { get; init; } = true;

    /// <summary>The aof-base AUX field: 1 when the file is the RDB preamble of an AOF.</summary>
    public bool AofBase { get; init; }

    /// <summary>More AUX fields written after the standard ones (e.g. repl-id / repl-offset for a full sync).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? ExtraAux { get; init; }

    /// <summary>Called after each shard with the number of keys written so far (INFO current_save_keys_processed).</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>Options from the server's settings (rdbcompression, rdbchecksum).</summary>
    public static RdbSaveOptions From(ServerState server) => new()
    {
        Compression = server.Options.RdbCompression,
        Checksum = server.Options.RdbChecksum,
    };
}
