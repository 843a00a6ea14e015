using System.Buffers;
using FastNode.Server.Storage;
using FastNode.Server.Text;

namespace FastNode.Server.Commands.Keys;

/// <summary>
/// Collects the keys KEYS and SCAN return, from the live keys the database's walk hands it (under each shard's lock
/// in turn). The collected key arrays are never written after they are stored, so the reply can be written after the
/// locks are released. Call <see cref="Dispose"/> to give the pooled buffer back.
/// </summary>
internal ref struct KeyScanVisitor : IKeyVisitor
{
    private readonly ReadOnlySpan<byte> _pattern;   // MATCH pattern; empty when absent or "*"
    private readonly ReadOnlySpan<byte> _type;      // TYPE filter; empty when absent
    private byte[][] _keys;                          // pooled; the first Count entries are the result
    public int Count;                                // keys collected

    public KeyScanVisitor(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> type)
    {
        _pattern = pattern.Length == 1 && pattern[0] == (byte)'*' ? default : pattern;
        _type = type;
        _keys = ArrayPool<byte[]>.Shared.Rent(16);
    }

    public readonly ReadOnlySpan<byte[]> Keys => _keys.AsSpan(0, Count);

    public void Visit(byte[] key, ValueKind kind)
    {
        if (!_type.IsEmpty && !TypeMatches(kind)) return;
        if (!_pattern.IsEmpty && !GlobMatcher.IsMatch(_pattern, key)) return;
        if (Count == _keys.Length) Grow();
        _keys[Count++] = key;
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
