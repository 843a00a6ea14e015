using System.Runtime.CompilerServices;
using FastNode.Cluster.Membership;
using FastNode.Cluster.Wire;
using K4os.Hash.xxHash;

namespace FastNode.Cluster.State;

/// <summary>
/// A 64-bit fingerprint of the cluster configuration (every member's announced config and FAIL flag), sent in
/// every frame header. Two nodes with equal digests agree on slots, roles and epochs; a lasting mismatch triggers a
/// state sync. Order-independent (a sum of per-member hashes), so member order does not matter.
/// </summary>
public static class ConfigDigest
{
    // Per config object: hash of its encoding. Configs are immutable, so the hash is computed once.
    private static readonly ConditionalWeakTable<Nodes.NodeConfig, StrongBox<ulong>> Hashes = [];

    public static ulong Compute(IReadOnlyList<Member> members)
    {
        ulong digest = 0;
        Span<byte> id = stackalloc byte[Nodes.NodeId.ByteLength];
        foreach (var m in members)
        {
            if (m.State == MemberState.Left) continue;
            m.Id.WriteTo(id);
            // FAIL is part of what nodes must agree on (CLUSTER NODES shows it, elections need it), and gossip
            // can miss a node, so it is in the digest and a node that missed it gets it from a sync.
            ulong failed = m.State == MemberState.Dead ? 0x9E3779B97F4A7C15UL : 0;
            digest += XXH64.DigestOf(id) ^ HashOf(m.Config) ^ failed;
        }
        return digest;
    }

    private static ulong HashOf(Nodes.NodeConfig config) =>
        Hashes.GetValue(config, static c =>
        {
            var w = new WireWriter(128);
            NodeConfigCodec.Write(w, c);
            return new StrongBox<ulong>(XXH64.DigestOf(w.Written));
        }).Value;
}
