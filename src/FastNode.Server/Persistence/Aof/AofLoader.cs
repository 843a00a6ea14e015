using System.Buffers;
using System.IO.Pipelines;
using FastNode.Protocol;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Persistence.Aof;

/// <summary>
/// Loads a multi-part AOF at start-up: the base file (an RDB preamble, or RESP commands), then every incremental file
/// in the manifest's order, applied through the dispatcher with expiry paused. As Redis with aof-load-truncated yes,
/// a command cut short at the very end of the last file (a crash mid-write) is logged and cut off, and loading goes
/// on; an unfinished MULTI there is dropped with it. Anything else malformed stops start-up, naming file and offset.
/// </summary>
public sealed class AofLoader(ServerState server, ILogger log)
{
    public long KeysLoaded { get; private set; }

    public long Commands { get; private set; }

    /// <summary>Bytes cut off the end of the last file (0 when it ended cleanly).</summary>
    public long TruncatedBytes { get; private set; }

    public async Task LoadAsync(string directory, AofManifest manifest, bool loadTruncated)
    {
        var parts = new List<AofManifest.Part>();
        if (manifest.Base is not null) parts.Add(manifest.Base);
        parts.AddRange(manifest.Increments);
        for (int d = 0; d < server.DatabaseCount; d++) server.Database(d).ExpiryPaused = true;
        try
        {
            for (int i = 0; i < parts.Count; i++)
            {
                string path = Path.Combine(directory, parts[i].Name);
                if (!File.Exists(path))
                {
                    // Redis: an incremental file listed but missing is fatal; so is the base.
                    throw new AofLoadException($"The AOF file {parts[i].Name} doesn't exist");
                }
                await LoadFileAsync(path, parts[i].Name, isLast: i == parts.Count - 1, loadTruncated).ConfigureAwait(false);
            }
        }
        finally
        {
            for (int d = 0; d < server.DatabaseCount; d++) server.Database(d).ExpiryPaused = false;
        }
        for (int d = 0; d < server.DatabaseCount; d++) KeysLoaded += server.Database(d).Count();
    }

    private async Task LoadFileAsync(string path, string name, bool isLast, bool loadTruncated)
    {
        long length = new FileInfo(path).Length;
        if (length == 0) return;
        var replayer = new FeedReplayer(server, "aof-loader");
        long start = 0;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16))
        {
            if (IsRdb(file))
            {
                try
                {
                    // Keys past their TTL are kept: the increments after this base carry their own DELs.
                    Rdb.RdbLoader.Load(file, server, new Rdb.RdbLoadOptions { SkipExpired = false, Logger = log });
                }
                catch (Rdb.RdbFormatException ex)
                {
                    throw new AofLoadException($"Bad file format reading the append only file {name}: {ex.Message}");
                }
                start = file.Position;
            }
            file.Position = start;
            var reader = PipeReader.Create(file, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
            try
            {
                while (true)
                {
                    var read = await reader.ReadAsync().ConfigureAwait(false);
                    var buffer = read.Buffer;
                    try
                    {
                        replayer.Apply(ref buffer);
                    }
                    catch (RespProtocolException)
                    {
                        throw new AofLoadException($"Bad file format reading the append only file {name} at offset {start + replayer.CommandEnd}: " +
                            $"make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
                    }
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (read.IsCompleted) break;
                }
            }
            finally
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }
        }
        Commands += replayer.Commands;
        if (replayer.FirstError is { } error) log.LogWarning("AOF {File}: a command answered an error while loading: {Error}", name, error);

        long validEnd = start + replayer.CommandEnd;
        if (replayer.Session.Multi is not null)
        {
            replayer.AbandonTransaction();
            validEnd = start + replayer.TransactionStart;
            log.LogWarning("Revert incomplete MULTI/EXEC transaction in AOF file {File}", name);
        }
        if (validEnd == length) return;
        if (!isLast || !loadTruncated)
            throw new AofLoadException($"Unexpected end of file reading the append only file {name} at offset {validEnd}" +
                (isLast ? " (set aof-load-truncated yes to load it anyway)" : ""));
        log.LogWarning("!!! Warning: short read while loading the AOF file {File}!!! AOF loaded anyway because aof-load-truncated is enabled; " +
            "{Bytes} bytes at offset {Offset} cut off", name, length - validEnd, validEnd);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write)) file.SetLength(validEnd);
        TruncatedBytes = length - validEnd;
    }

    private static bool IsRdb(FileStream file)
    {
        Span<byte> magic = stackalloc byte[5];
        int n = file.Read(magic);
        file.Position = 0;
        return n == 5 && magic.SequenceEqual("REDIS"u8);
    }
}
