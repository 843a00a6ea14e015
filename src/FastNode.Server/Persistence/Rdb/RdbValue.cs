using FastNode.Server.Storage;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// A value decoded from an RDB file or DUMP payload, not yet stored in a shard. <see cref="Value"/> is a byte[] for a
/// string, the family's object (HashValue, ListValue, SetValue, SortedSetValue, a RateLimiterState) or a
/// <see cref="LockImage"/>, which only becomes a LockState inside the shard that will hold it.
/// </summary>
public readonly record struct RdbValue(ValueKind Kind, object Value);
