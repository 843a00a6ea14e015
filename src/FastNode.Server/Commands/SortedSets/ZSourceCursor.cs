using FastNode.Server.Storage.Sets;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>Walks a <see cref="ZSource"/>'s members; intset members are formatted into the caller's scratch.</summary>
internal ref struct ZSourceCursor
{
    private readonly ZSource _source;
    private readonly Span<byte> _scratch;
    private SortedSetPosition _zpos;
    private int _spos;
    private bool _started;

    /// <param name="scratch">At least <see cref="SetValue.ScratchLength"/> bytes.</param>
    public ZSourceCursor(ZSource source, Span<byte> scratch)
    {
        _source = source;
        _scratch = scratch;
        _zpos = SortedSetPosition.None;
        _spos = -1;
        _started = false;
    }

    public bool MoveNext(out ReadOnlySpan<byte> member, out double score)
    {
        member = default;
        score = 1.0;
        if (_source.Zset is { } z)
        {
            _zpos = _started ? z.Next(_zpos) : z.AtRank(0);
            _started = true;
            if (!_zpos.IsValid) return false;
            member = z.MemberAt(_zpos);
            score = z.ScoreAt(_zpos);
            return true;
        }
        if (_source.Set is { } s)
        {
            _spos = _started ? s.Next(_spos) : s.First();
            _started = true;
            if (_spos < 0) return false;
            member = s.MemberAt(_spos, _scratch);
            return true;
        }
        return false;
    }
}
