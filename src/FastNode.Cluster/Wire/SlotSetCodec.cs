using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;

namespace FastNode.Cluster.Wire;

/// <summary>
/// A slot set on the wire: whichever is smaller of a list of ranges (kind 0: count u16, then first/last u16 pairs)
/// or the 2 KB bitmap (kind 1). Rendezvous placement scatters slots, so both forms occur.
/// </summary>
public static class SlotSetCodec
{
    private const byte RangesKind = 0;
    private const byte BitmapKind = 1;
    private const int BitmapBytes = KeySlot.SlotCount / 8;

    public static void Write(WireWriter writer, SlotSet slots)
    {
        var ranges = slots.Ranges();
        if (ranges.Count * 4 + 2 < BitmapBytes && ranges.Count <= FrameLimits.Default.MaxSlotRanges)
        {
            writer.U8(RangesKind);
            writer.U16((ushort)ranges.Count);
            foreach (var (first, last) in ranges)
            {
                writer.U16((ushort)first);
                writer.U16((ushort)last);
            }
            return;
        }
        writer.U8(BitmapKind);
        foreach (ulong word in slots.Words) writer.U64(word);
    }

    public static bool TryRead(ref WireReader reader, FrameLimits limits, out SlotSet slots)
    {
        slots = SlotSet.Empty;
        if (!reader.TryU8(out byte kind)) return false;
        if (kind == BitmapKind)
        {
            var words = new ulong[KeySlot.SlotCount / 64];
            for (int i = 0; i < words.Length; i++)
            {
                if (!reader.TryU64(out words[i])) return false;
            }
            slots = SlotSet.FromWords(words);
            return true;
        }
        if (kind != RangesKind || !reader.TryU16(out ushort count) || count > limits.MaxSlotRanges) return false;
        if (count * 4 > reader.Remaining) return false;
        var bitmap = new ulong[KeySlot.SlotCount / 64];
        for (int i = 0; i < count; i++)
        {
            if (!reader.TryU16(out ushort first) || !reader.TryU16(out ushort last)) return false;
            if (first > last || last >= KeySlot.SlotCount) return false;
            for (int s = first; s <= last; s++) bitmap[s >> 6] |= 1UL << (s & 63);
        }
        slots = SlotSet.FromWords(bitmap);
        return true;
    }
}
