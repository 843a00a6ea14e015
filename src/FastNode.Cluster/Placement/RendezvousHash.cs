using System.Buffers.Binary;
using FastNode.Cluster.Nodes;
using K4os.Hash.xxHash;

namespace FastNode.Cluster.Placement;

/// <summary>
/// Highest-random-weight hashing: every candidate gets a score xxHash64(key, candidate id) and the highest wins.
/// Removing a candidate only moves the keys it won; adding one only takes the keys it now wins (about 1/N).
/// </summary>
public static class RendezvousHash
{
    /// <summary>Score of a slot for a candidate: xxHash64 over the slot (u16 little-endian) then the 20-byte id.</summary>
    public static ulong Score(int slot, NodeId candidate)
    {
        Span<byte> buffer = stackalloc byte[2 + NodeId.ByteLength];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)slot);
        candidate.WriteTo(buffer[2..]);
        return XXH64.DigestOf(buffer);
    }

    /// <summary>Score of a node id for a candidate (used to pick who counts failure reports about a node).</summary>
    public static ulong Score(NodeId key, NodeId candidate)
    {
        Span<byte> buffer = stackalloc byte[2 * NodeId.ByteLength];
        key.WriteTo(buffer);
        candidate.WriteTo(buffer[NodeId.ByteLength..]);
        return XXH64.DigestOf(buffer);
    }

    /// <summary>The <paramref name="count"/> best candidates for a key, best first (ties by id, so every node agrees).</summary>
    public static List<NodeId> Top(NodeId key, IEnumerable<NodeId> candidates, int count)
    {
        var scored = candidates.Select(c => (Id: c, Score: Score(key, c))).ToList();
        scored.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Id.CompareTo(b.Id));
        return scored.Take(count).Select(s => s.Id).ToList();
    }
}
