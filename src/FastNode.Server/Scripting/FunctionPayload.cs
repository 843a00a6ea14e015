using FastNode.Server.Persistence.Rdb;

namespace FastNode.Server.Scripting;

/// <summary>
/// FUNCTION DUMP's payload, as Redis 7.0 writes it: per library the RDB function opcode (245) and its code as an RDB
/// string, then the RDB version and CRC64 footer of a key's DUMP (<see cref="DumpPayload"/>).
/// </summary>
public static class FunctionPayload
{
    public static byte[] Create(List<FunctionLibrary> libraries)
    {
        var buffer = new RdbBuffer(256);
        foreach (var library in libraries)
        {
            buffer.WriteByte(RdbOpcode.Function2);
            buffer.WriteString(library.Code);
        }
        DumpPayload.Seal(buffer);
        return buffer.Span.ToArray();
    }

    /// <summary>The libraries' codes in a payload, or null with Redis's error.</summary>
    public static List<byte[]>? Read(ReadOnlySpan<byte> payload, out string? error)
    {
        error = null;
        if (!DumpPayload.Verify(payload))
        {
            error = "ERR DUMP payload version or checksum are wrong";
            return null;
        }
        var body = payload[..^10].ToArray();
        var codes = new List<byte[]>();
        using var input = new MemoryStream(body, writable: false);
        try
        {
            var reader = new RdbReader(input);
            while (reader.Offset < body.Length)
            {
                if (reader.ReadByte() != RdbOpcode.Function2)
                {
                    error = "ERR given type is not a function";
                    return null;
                }
                codes.Add(reader.ReadString());
            }
        }
        catch (RdbFormatException)
        {
            error = "ERR Bad data format";
            return null;
        }
        return codes;
    }
}
