namespace FastNode.Server.Storage;

/// <summary>
/// Implemented by every family object stored in <see cref="Entry.Value"/> (hash, list, set, ...): COPY needs an
/// independent value, so the copy must share no mutable state with the original. Called under the source shard's
/// lock, so it must not take any other lock. Strings are copied by COPY itself (see <see cref="ValueCopy"/>).
/// </summary>
public interface ICopyableValue
{
    object DeepCopy();
}
