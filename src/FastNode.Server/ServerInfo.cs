namespace FastNode.Server;

/// <summary>Version strings. redis_version is what clients gate features on, so it names the Redis we match.</summary>
public static class ServerInfo
{
    public const string RedisVersion = "7.0.15";

    public static string Version { get; } =
        typeof(ServerInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
