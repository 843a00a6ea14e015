namespace FastNode.Server.Storage;

/// <summary>
/// Optionally implemented by family objects so MEMORY USAGE can estimate their size. Called under the shard lock;
/// <paramref name="samples"/> is how many nested elements to measure before extrapolating (0 = all), as in Redis.
/// Without it MEMORY USAGE counts the key and a fixed per-value overhead.
/// </summary>
public interface IMemoryUsage
{
    long EstimateBytes(int samples);
}
