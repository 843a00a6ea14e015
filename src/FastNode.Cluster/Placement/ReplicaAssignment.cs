using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Placement;

/// <summary>
/// Which primary each replica follows: every primary gets one replica where the node count allows, a replica never
/// sits on its primary's host, spare replicas go to the primaries with the fewest, and valid current assignments
/// are kept so as few replicas as possible resynchronise.
/// </summary>
public static class ReplicaAssignment
{
    /// <returns>replica id → primary id; a replica that fits nowhere (every primary on its host) is left out.</returns>
    public static Dictionary<NodeId, NodeId> Assign(IReadOnlyList<PlacementNode> primaries,
        IReadOnlyList<PlacementNode> replicas, IReadOnlyDictionary<NodeId, NodeId>? current = null)
    {
        var hostOf = primaries.ToDictionary(p => p.Id, p => p.Host);
        var result = new Dictionary<NodeId, NodeId>();
        var load = primaries.ToDictionary(p => p.Id, _ => 0);

        foreach (var r in replicas)
        {
            if (current is not null && current.TryGetValue(r.Id, out var p) && hostOf.TryGetValue(p, out var host)
                && host != r.Host)
            {
                result[r.Id] = p;
                load[p]++;
            }
        }

        CoverEveryPrimary(primaries, replicas, result, load);

        // Spares: the least-loaded primary on another host (ties by id, so every node computes the same).
        foreach (var r in replicas.OrderBy(r => r.Id))
        {
            if (result.ContainsKey(r.Id)) continue;
            var target = primaries.Where(p => p.Host != r.Host).OrderBy(p => load[p.Id]).ThenBy(p => p.Id)
                .Select(p => (NodeId?)p.Id).FirstOrDefault();
            if (target is null) continue;
            result[r.Id] = target.Value;
            load[target.Value]++;
        }
        return result;
    }

    /// <summary>
    /// Gives primaries without a replica one, by augmenting paths over the "different host" graph (Kuhn's
    /// matching). Unassigned replicas are tried first, then surplus ones (taken from primaries with two or more).
    /// </summary>
    private static void CoverEveryPrimary(IReadOnlyList<PlacementNode> primaries, IReadOnlyList<PlacementNode> replicas,
        Dictionary<NodeId, NodeId> result, Dictionary<NodeId, int> load)
    {
        var orphans = primaries.Where(p => load[p.Id] == 0).OrderBy(p => p.Id).ToList();
        if (orphans.Count == 0) return;
        var candidates = replicas.Where(r => !result.ContainsKey(r.Id)).OrderBy(r => r.Id)
            .Concat(replicas.Where(r => result.TryGetValue(r.Id, out var p) && load[p] >= 2).OrderBy(r => r.Id))
            .ToList();
        var matchedPrimaryOf = new Dictionary<NodeId, NodeId>(); // candidate replica → orphan primary

        foreach (var orphan in orphans)
        {
            TryAugment(orphan, orphans, candidates, matchedPrimaryOf, []);
        }
        foreach (var (replica, primary) in matchedPrimaryOf)
        {
            if (result.TryGetValue(replica, out var previous))
            {
                // A surplus replica moves only if its old primary keeps at least one.
                if (load[previous] < 2) continue;
                load[previous]--;
            }
            result[replica] = primary;
            load[primary]++;
        }
    }

    private static bool TryAugment(PlacementNode orphan, List<PlacementNode> orphans, List<PlacementNode> candidates,
        Dictionary<NodeId, NodeId> matchedPrimaryOf, HashSet<NodeId> visited)
    {
        foreach (var r in candidates)
        {
            if (r.Host == orphan.Host || !visited.Add(r.Id)) continue;
            if (!matchedPrimaryOf.TryGetValue(r.Id, out var other)
                || TryAugment(orphans.First(o => o.Id == other), orphans, candidates, matchedPrimaryOf, visited))
            {
                matchedPrimaryOf[r.Id] = orphan.Id;
                return true;
            }
        }
        return false;
    }
}
