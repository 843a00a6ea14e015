using System.Text;

namespace FastNode.Server.Tests.Rdb;

/// <summary>Bulk string replies as bytes.</summary>
public static class RespBulk
{
    /// <summary>The payload of a "$n\r\n...\r\n" reply.</summary>
    public static byte[] Bytes(byte[] reply)
    {
        Assert.That(reply[0], Is.EqualTo((byte)'$'), Encoding.UTF8.GetString(reply));
        int header = reply.AsSpan().IndexOf("\r\n"u8);
        return reply.AsSpan(header + 2, reply.Length - header - 4).ToArray();
    }

    public static async Task<byte[]> DumpAsync(InMemoryClient c, string key) =>
        Bytes(await c.CallBytesAsync(Resp.Command("DUMP", key)));
}
