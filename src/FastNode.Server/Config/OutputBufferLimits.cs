using System.Globalization;

namespace FastNode.Server.Config;

/// <summary>The client classes client-output-buffer-limit sets limits for (Redis's CLIENT_TYPE_OBUF_COUNT order).</summary>
public enum OutputBufferClass
{
    Normal,
    Replica,
    PubSub,
}

/// <summary>One class's limits: close the client at <see cref="Hard"/> bytes, or after <see cref="SoftSeconds"/> seconds continuously at <see cref="Soft"/> bytes or more (0 = no such limit).</summary>
public readonly record struct OutputBufferLimit(long Hard, long Soft, long SoftSeconds)
{
    /// <summary>
    /// Redis's checkClientOutputBufferLimits: true when a client with <paramref name="used"/> bytes pending must be
    /// closed. <paramref name="softSinceMs"/> is the client's own record of when it went over the soft limit (0 =
    /// not over); it is set and cleared here.
    /// </summary>
    public bool Exceeded(long used, long nowMs, ref long softSinceMs)
    {
        if (Hard > 0 && used >= Hard) return true;
        if (Soft <= 0 || used < Soft)
        {
            // Written only when it changes: this runs for every message queued to a subscriber.
            if (softSinceMs != 0) softSinceMs = 0;
            return false;
        }
        if (softSinceMs == 0)
        {
            softSinceMs = nowMs;
            return false;
        }
        return nowMs - softSinceMs > SoftSeconds * 1000;
    }
}

/// <summary>
/// client-output-buffer-limit: "class hard soft seconds" for the normal, replica (slave) and pubsub classes, with
/// Redis 7.0's defaults, parsing, errors and CONFIG GET format. A value may name some classes only (the others keep
/// theirs), as each redis.conf line does. Read lock-free by any thread (one array, replaced whole); a class's three numbers change together.
/// </summary>
public sealed class OutputBufferLimits
{
    private const string WrongCount = "Wrong number of arguments in buffer limit configuration.";
    private const string InvalidClass = "Invalid client class specified in buffer limit configuration.";
    private const string BadNumber = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";

    private readonly Lock _write = new();

    // Replaced whole by Set, never changed in place: readers take the current array without a lock.
    private volatile OutputBufferLimit[] _limits =
    [
        new(0, 0, 0),
        new(256L * 1024 * 1024, 64L * 1024 * 1024, 60),
        new(32L * 1024 * 1024, 8L * 1024 * 1024, 60),
    ];

    public OutputBufferLimit Normal => this[OutputBufferClass.Normal];
    public OutputBufferLimit Replica => this[OutputBufferClass.Replica];
    public OutputBufferLimit PubSub => this[OutputBufferClass.PubSub];

    public OutputBufferLimit this[OutputBufferClass type] => _limits[(int)type];

    /// <summary>"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", as CONFIG GET shows it.</summary>
    public string Format()
    {
        var inv = CultureInfo.InvariantCulture;
        var limits = _limits;
        return string.Join(' ', Names.Select((name, i) =>
            $"{name} {limits[i].Hard.ToString(inv)} {limits[i].Soft.ToString(inv)} {limits[i].SoftSeconds.ToString(inv)}"));
    }

    /// <summary>Applies "class hard soft seconds ..." (all or nothing); returns null or Redis's reason.</summary>
    public string? Set(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // An empty value changes nothing, as in Redis.
        if (parts.Length == 0) return null;
        if (parts.Length % 4 != 0) return WrongCount;
        var updates = new List<(int Class, OutputBufferLimit Limit)>();
        for (int i = 0; i < parts.Length; i += 4)
        {
            int type = parts[i].ToLowerInvariant() switch
            {
                "normal" => 0,
                "slave" or "replica" => 1,
                "pubsub" => 2,
                _ => -1,
            };
            if (type < 0) return InvalidClass;
            if (!ConfigValue.TryParseMemory(parts[i + 1], out long hard) || hard < 0
                || !ConfigValue.TryParseMemory(parts[i + 2], out long soft) || soft < 0
                || !long.TryParse(parts[i + 3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds) || seconds < 0)
            {
                return BadNumber;
            }
            updates.Add((type, new OutputBufferLimit(hard, soft, seconds)));
        }
        lock (_write)
        {
            var next = (OutputBufferLimit[])_limits.Clone();
            foreach (var (type, limit) in updates) next[type] = limit;
            _limits = next;
        }
        return null;
    }

    private static readonly string[] Names = ["normal", "slave", "pubsub"];
}
