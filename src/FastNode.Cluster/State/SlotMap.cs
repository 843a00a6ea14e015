using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;

namespace FastNode.Cluster.State;

/// <summary>
/// Immutable slot → owner table, as this node currently resolves it. A lookup is one array read, so the server's
/// per-command slot check can use it directly; a new map replaces the old one whenever ownership changes.
/// </summary>
public sealed class SlotMap
{
    private const ushort Unassigned = ushort.MaxValue;

    // Owner index per slot into _nodes, or Unassigned.
    private readonly ushort[] _ownerIndex;
    private readonly NodeId[] _nodes;

    private SlotMap(ushort[] ownerIndex, NodeId[] nodes)
    {
        _ownerIndex = ownerIndex;
        _nodes = nodes;
    }

    public static SlotMap Empty { get; } = FromOwners(new NodeId[KeySlot.SlotCount]);

    /// <summary>Builds a map from one owner per slot (<see cref="NodeId.None"/> = unassigned).</summary>
    public static SlotMap FromOwners(ReadOnlySpan<NodeId> owners)
    {
        var index = new ushort[KeySlot.SlotCount];
        var nodes = new List<NodeId>();
        var positions = new Dictionary<NodeId, ushort>();
        for (int slot = 0; slot < KeySlot.SlotCount; slot++)
        {
            var owner = owners[slot];
            if (owner.IsNone)
            {
                index[slot] = Unassigned;
                continue;
            }
            if (!positions.TryGetValue(owner, out ushort position))
            {
                position = (ushort)nodes.Count;
                positions.Add(owner, position);
                nodes.Add(owner);
            }
            index[slot] = position;
        }
        return new SlotMap(index, [.. nodes]);
    }

    /// <summary>The owner of a slot, or <see cref="NodeId.None"/>.</summary>
    public NodeId Owner(int slot)
    {
        ushort i = _ownerIndex[slot];
        return i == Unassigned ? NodeId.None : _nodes[i];
    }

    public bool IsAssigned(int slot) => _ownerIndex[slot] != Unassigned;

    /// <summary>Every node owning at least one slot.</summary>
    public IReadOnlyList<NodeId> Owners => _nodes;

    public int AssignedCount
    {
        get
        {
            int count = 0;
            foreach (ushort i in _ownerIndex) count += i == Unassigned ? 0 : 1;
            return count;
        }
    }

    public SlotSet SlotsOf(NodeId node)
    {
        int position = Array.IndexOf(_nodes, node);
        if (position < 0) return SlotSet.Empty;
        var slots = new List<int>();
        for (int slot = 0; slot < KeySlot.SlotCount; slot++)
        {
            if (_ownerIndex[slot] == position) slots.Add(slot);
        }
        return SlotSet.FromSlots(slots);
    }

    /// <summary>Owners of all slots, one per slot (None where unassigned).</summary>
    public NodeId[] ToOwnerArray()
    {
        var owners = new NodeId[KeySlot.SlotCount];
        for (int slot = 0; slot < owners.Length; slot++) owners[slot] = Owner(slot);
        return owners;
    }

    /// <summary>Slots whose owner differs between two maps.</summary>
    public int CountDifferences(SlotMap other)
    {
        int count = 0;
        for (int slot = 0; slot < KeySlot.SlotCount; slot++)
        {
            if (Owner(slot) != other.Owner(slot)) count++;
        }
        return count;
    }
}
