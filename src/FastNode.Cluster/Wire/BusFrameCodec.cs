using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// Encodes and checks bus frames for one cluster. Decoding never throws: anything wrong with a frame comes back as a
/// <see cref="FrameRejection"/>, checked cheapest first (length and magic before the MAC, the MAC before parsing),
/// and no allocation is sized by a field before that field is checked against <see cref="FrameLimits"/>.
/// </summary>
public sealed class BusFrameCodec
{
    private readonly byte[]? _secret;

    public BusFrameCodec(ulong clusterId, byte[]? secret = null, FrameLimits? limits = null)
    {
        ClusterId = clusterId;
        _secret = secret is { Length: > 0 } ? secret : null;
        Limits = limits ?? FrameLimits.Default;
    }

    public ulong ClusterId { get; }

    public FrameLimits Limits { get; }

    public bool IsAuthenticated => _secret is not null;

    /// <summary>The cluster id every frame carries: xxHash64 of the cluster name, so two clusters on one network ignore each other.</summary>
    public static ulong ClusterIdOf(string clusterName) =>
        K4os.Hash.xxHash.XXH64.DigestOf(Encoding.UTF8.GetBytes(clusterName));

    public byte[] Encode(FrameHeader header, IBusMessage message)
    {
        var w = new WireWriter(FrameHeader.Size + 128);
        var flags = header.Flags & ~FrameFlags.Authenticated;
        if (_secret is not null) flags |= FrameFlags.Authenticated;
        w.U32(FrameHeader.Magic);
        w.U32(0);
        w.U8(FrameHeader.CurrentVersion);
        w.U8((byte)message.Type);
        w.U16((ushort)flags);
        w.U64(ClusterId);
        w.Id(header.Sender);
        w.I64(header.CurrentEpoch);
        w.U64(header.ConfigDigest);
        w.I64(header.ReplicationOffset);
        message.Write(w);
        int length = w.Position + (_secret is not null ? FrameHeader.MacSize : 0);
        if (length > Limits.MaxFrameBytes) throw new InvalidOperationException($"frame of {length} bytes is over the limit");
        w.PatchU32(4, (uint)length);
        if (_secret is not null)
        {
            Span<byte> mac = stackalloc byte[FrameHeader.MacSize];
            HMACSHA256.HashData(_secret, w.Written, mac);
            w.Bytes(mac);
        }
        return w.ToArray();
    }

    /// <summary>
    /// For a stream transport: given the first <see cref="FrameHeader.PrefixSize"/> bytes, how long the whole frame is.
    /// A rejection here means the stream is not ours (or is hostile) and the link should be closed.
    /// </summary>
    public FrameRejection TryReadLength(ReadOnlySpan<byte> prefix, out int length)
    {
        length = 0;
        if (prefix.Length < FrameHeader.PrefixSize) return FrameRejection.Truncated;
        if (BinaryPrimitives.ReadUInt32LittleEndian(prefix) != FrameHeader.Magic) return FrameRejection.BadMagic;
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]);
        if (declared > (uint)Limits.MaxFrameBytes) return FrameRejection.TooLarge;
        if (declared < FrameHeader.Size) return FrameRejection.BadLength;
        length = (int)declared;
        return FrameRejection.None;
    }

    public FrameRejection TryDecode(ReadOnlySpan<byte> frame, out BusFrame? decoded)
    {
        decoded = null;
        var rejection = TryReadLength(frame, out int length);
        if (rejection != FrameRejection.None) return rejection;
        if (frame.Length < length) return FrameRejection.Truncated;
        if (frame.Length > length) return FrameRejection.BadLength;

        byte version = frame[8];
        if (version > FrameHeader.CurrentVersion) return FrameRejection.NewerVersion;
        if (version < FrameHeader.OldestVersion) return FrameRejection.OlderVersion;
        var type = (MessageType)frame[9];
        var flags = (FrameFlags)BinaryPrimitives.ReadUInt16LittleEndian(frame[10..]);
        if (BinaryPrimitives.ReadUInt64LittleEndian(frame[12..]) != ClusterId) return FrameRejection.WrongCluster;

        int payloadEnd = length;
        bool hasMac = (flags & FrameFlags.Authenticated) != 0;
        if (_secret is not null)
        {
            if (!hasMac) return FrameRejection.MissingMac;
            payloadEnd -= FrameHeader.MacSize;
            if (payloadEnd < FrameHeader.Size) return FrameRejection.BadLength;
            Span<byte> expected = stackalloc byte[FrameHeader.MacSize];
            HMACSHA256.HashData(_secret, frame[..payloadEnd], expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, frame.Slice(payloadEnd, FrameHeader.MacSize)))
            {
                return FrameRejection.BadMac;
            }
        }
        else if (hasMac)
        {
            // A node without the secret cannot check the MAC; taking the frame anyway would let a secured and an
            // open cluster silently mix.
            return FrameRejection.BadMac;
        }

        long currentEpoch = BinaryPrimitives.ReadInt64LittleEndian(frame[40..]);
        long offset = BinaryPrimitives.ReadInt64LittleEndian(frame[56..]);
        if (currentEpoch is < 0 or >= WireReader.MaxCount || offset < 0) return FrameRejection.MalformedPayload;
        var header = new FrameHeader(type, flags, ClusterId, NodeId.FromBytes(frame[20..]), currentEpoch,
            BinaryPrimitives.ReadUInt64LittleEndian(frame[48..]), offset, version);

        rejection = MessageCodec.TryRead(type, frame[FrameHeader.Size..payloadEnd], Limits, out var message);
        if (rejection != FrameRejection.None) return rejection;
        decoded = new BusFrame(header, message!);
        return FrameRejection.None;
    }
}
