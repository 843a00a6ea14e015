using System.Buffers.Binary;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// The DUMP / RESTORE payload (also what MIGRATE sends): type byte and value as in an RDB file, then the RDB version
/// (2 bytes little endian) and the CRC64 of everything before it (8 bytes little endian).
/// </summary>
public static class DumpPayload
{
    private const int FooterSize = 10;

    /// <summary>Appends the version and checksum to a buffer holding type byte + value.</summary>
    public static void Seal(RdbBuffer buffer)
    {
        buffer.WriteByte(RdbType.Version);
        buffer.WriteByte(0);
        ulong crc = Crc64.Compute(buffer.Span);
        buffer.WriteInt64LittleEndian((long)crc);
    }

    /// <summary>A complete payload for one value (type byte, value, footer).</summary>
    public static byte[] Create(in Storage.Entry entry, in RdbClock clock)
    {
        var buffer = new RdbBuffer(256);
        RdbValueEncoder.WriteObject(buffer, entry, clock);
        Seal(buffer);
        return buffer.Span.ToArray();
    }

    /// <summary>Redis's verifyDumpPayload: at least 10 bytes, a version FastNode reads, a matching CRC64.</summary>
    public static bool Verify(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < FooterSize) return false;
        var footer = payload.Slice(payload.Length - FooterSize);
        int version = BinaryPrimitives.ReadUInt16LittleEndian(footer);
        if (version > RdbType.Version) return false;
        ulong crc = Crc64.Compute(payload.Slice(0, payload.Length - 8));
        return crc == BinaryPrimitives.ReadUInt64LittleEndian(footer.Slice(2));
    }

    /// <summary>
    /// Decodes a verified payload. False when the value is malformed, of a type FastNode cannot hold, empty, or does
    /// not end exactly at the footer ("ERR Bad data format").
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> key, in RdbClock clock, out RdbValue value)
    {
        value = default;
        var body = payload.Slice(0, payload.Length - FooterSize).ToArray();
        using var input = new MemoryStream(body, writable: false);
        try
        {
            var r = new RdbReader(input);
            byte type = r.ReadByte();
            if (!RdbType.IsValueType(type)) return false;
            if (RdbValueDecoder.Read(r, type, key, clock) is not { } decoded) return false;
            if (r.Offset != body.Length) return false;
            value = decoded;
            return true;
        }
        catch (RdbFormatException)
        {
            return false;
        }
    }
}
