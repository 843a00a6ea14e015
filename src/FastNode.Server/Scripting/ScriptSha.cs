using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FastNode.Server.Scripting;

/// <summary>A script's SHA1 as a dictionary key: 20 bytes in three fields, so a lookup by the hex in EVALSHA allocates nothing.</summary>
public readonly record struct ScriptSha(ulong A, ulong B, uint C)
{
    public static ScriptSha Of(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(body, hash);
        return FromBytes(hash);
    }

    private static ScriptSha FromBytes(ReadOnlySpan<byte> hash) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(hash), BinaryPrimitives.ReadUInt64BigEndian(hash[8..]), BinaryPrimitives.ReadUInt32BigEndian(hash[16..]));

    /// <summary>Parses 40 hex digits, either case (Redis lower-cases EVALSHA's argument).</summary>
    public static bool TryParse(ReadOnlySpan<byte> hex, out ScriptSha sha)
    {
        sha = default;
        if (hex.Length != 40) return false;
        Span<byte> hash = stackalloc byte[20];
        for (int i = 0; i < 20; i++)
        {
            int hi = Nibble(hex[2 * i]), lo = Nibble(hex[2 * i + 1]);
            if ((hi | lo) < 0) return false;
            hash[i] = (byte)(hi << 4 | lo);
        }
        sha = FromBytes(hash);
        return true;
    }

    private static int Nibble(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>The 40 lower-case hex digits.</summary>
    public void Format(Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[20];
        BinaryPrimitives.WriteUInt64BigEndian(hash, A);
        BinaryPrimitives.WriteUInt64BigEndian(hash[8..], B);
        BinaryPrimitives.WriteUInt32BigEndian(hash[16..], C);
        for (int i = 0; i < 20; i++)
        {
            destination[2 * i] = (byte)"0123456789abcdef"[hash[i] >> 4];
            destination[2 * i + 1] = (byte)"0123456789abcdef"[hash[i] & 15];
        }
    }

    public override string ToString()
    {
        Span<byte> hex = stackalloc byte[40];
        Format(hex);
        return System.Text.Encoding.ASCII.GetString(hex);
    }
}
