namespace FastNode.Server.Commands.Sort;

/// <summary>One element being sorted: its bytes, its numeric weight, or (ALPHA BY) the bytes it is compared by.</summary>
internal struct SortItem
{
    public byte[] Value;
    public double Score;
    /// <summary>ALPHA with BY: the looked-up value, null when the pattern found nothing.</summary>
    public byte[]? By;
}
