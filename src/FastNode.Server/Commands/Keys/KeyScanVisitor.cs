using System.Buffers;
using FastNode.Server.Storage;
using FastNode.Server.Text;

namespace FastNode.Server.Commands.Keys;

/// <summary>
/// Collects the keys KEYS and SCAN return, under each shard's lock in turn. Expired entries are deleted as they
/// are met (and still count as seen, as in Redis where COUNT counts before filtering). The collected key arrays
/// are never written after they are stored, so the reply can be written after the locks are released.
/// Call <see cref="Dispose"/> to give the pooled buffer back.
/// </summary>
internal ref struct KeyScanVisitor : IEntryVisitor
{
    private readonly ReadOnlySpan<byte> _pattern;   // MATCH pattern; empty when absent or "*"
    private readonly ReadOnlySpan<byte> _type;      // TYPE filter; empty when absent
    private readonly long _nowMs;                    // the command's clock, for lazy expiry
    private byte[][] _keys;                          // pooled; the first Count entries are the result
    public int Count;                                // keys collected
    public int Seen;                                 // entries visited, matching or not

    public KeyScanVisitor(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> type, long nowMs)
    {
        _pattern = pattern.Length == 1 && pattern[0] == (byte)'*' ? default : pattern;
        _type = type;
        _nowMs = nowMs;
        _keys = ArrayPool<byte[]>.Shared.Rent(16);
    }

    public readonly ReadOnlySpan<byte[]> Keys => _keys.AsSpan(0, Count);

    public void Visit(Shard shard, int index)
    {
        Seen++;
        ref var e = ref shard.At(index);
        if (e.ExpireAt != 0 && e.ExpireAt <= _nowMs)
        {
            shard.RemoveExpired(index);
            return;
        }
        if (!_type.IsEmpty && !TypeMatches(e.Kind)) return;
        if (!_pattern.IsEmpty && !GlobMatcher.IsMatch(_pattern, e.Key)) return;
        if (Count == _keys.Length) Grow();
        _keys[Count++] = e.Key!;
    }

    public void Dispose()
    {
        ArrayPool<byte[]>.Shared.Return(_keys, clearArray: true);
        _keys = [];
        Count = 0;
    }

    /// <summary>SCAN TYPE compares with TYPE's answer, ignoring ASCII case; an unknown name matches nothing.</summary>
    private readonly bool TypeMatches(ValueKind kind)
    {
        var name = ValueKinds.TypeName(kind);
        if (name.Length != _type.Length) return false;
        for (int i = 0; i < name.Length; i++)
        {
            byte c = _type[i];
            if ((uint)(c - 'A') <= 'Z' - 'A') c += 32;
            if (c != name[i]) return false;
        }
        return true;
    }

    private void Grow()
    {
        var bigger = ArrayPool<byte[]>.Shared.Rent(_keys.Length * 2);
        _keys.AsSpan(0, Count).CopyTo(bigger);
        ArrayPool<byte[]>.Shared.Return(_keys, clearArray: true);
        _keys = bigger;
    }
}
