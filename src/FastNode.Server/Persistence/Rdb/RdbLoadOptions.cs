using Microsoft.Extensions.Logging;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>How <see cref="RdbLoader.Load"/> treats the file.</summary>
public sealed class RdbLoadOptions
{
    /// <summary>
    /// Leave out keys whose TTL already passed (a master loading its dump does; a replica or an AOF preamble keeps
    /// them and lets expiry delete them).
    /// </summary>
    public bool SkipExpired { get; init; } = true;

    /// <summary>A key already in the database is replaced; when false, a duplicate is an error (as in Redis).</summary>
    public bool ReplaceExisting { get; init; }

    /// <summary>Check the CRC64 trailer (a stored 0 means "not computed" and is always accepted).</summary>
    public bool VerifyChecksum { get; init; } = true;

    /// <summary>
    /// Read a non-seekable stream in large chunks. Only when the stream ends with the RDB data (nothing after the
    /// checksum is needed), e.g. a stream limited to a full sync's payload length; otherwise such a stream is read
    /// exactly as far as needed, in small reads.
    /// </summary>
    public bool ReadAhead { get; init; }

    /// <summary>Where warnings go (function libraries without Lua, module AUX data, empty keys).</summary>
    public ILogger? Logger { get; init; }
}
