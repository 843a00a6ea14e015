using System.Diagnostics;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>One-shot questions to a server on a loopback port, and bounded polling, for multi-process tests.</summary>
public static class Probe
{
    /// <summary>The fields of an INFO section as name → value.</summary>
    public static Dictionary<string, string> Info(int port, string section = "replication")
    {
        using var client = RawClient.Connect(port);
        var text = client.Call("INFO", section);
        var fields = new Dictionary<string, string>();
        foreach (var line in text.Split("\r\n"))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && !line.StartsWith('#') && !line.StartsWith('$')) fields[line[..colon]] = line[(colon + 1)..];
        }
        return fields;
    }

    /// <summary>Sends one command on a new connection and returns the raw reply.</summary>
    public static string Call(int port, params string[] args)
    {
        using var client = RawClient.Connect(port);
        return client.Call(args);
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms (connection errors count as "not yet") and fails the test after <paramref name="seconds"/>.</summary>
    public static void WaitUntil(Func<bool> condition, string what, int seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            try
            {
                if (condition()) return;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or RedisException or KeyNotFoundException)
            {
            }
            Thread.Sleep(50);
        }
        Assert.Fail($"timed out after {seconds} s waiting for: {what}");
    }
}
