namespace FastNode.Server.Tracking;

/// <summary>Orders byte strings as Redis's radix tree does (bytewise, shorter first on a tie).</summary>
internal sealed class BytewiseComparer : IComparer<byte[]>
{
    public static readonly BytewiseComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
