namespace FastNode.Server.Storage;

/// <summary>Deep copies of stored family values (COPY). Call with the source shard's lock held.</summary>
public static class ValueCopy
{
    /// <summary>
    /// A value equal to <paramref name="source"/>'s that shares nothing mutable with it: the family object's
    /// <see cref="ICopyableValue.DeepCopy"/>. Strings are not copied here: COPY writes them into a chunk of the
    /// destination shard (<see cref="StringValue.Assign"/>), since a chunk belongs to one shard.
    /// </summary>
    public static object Of(in Entry source)
    {
        if (source.Value is ICopyableValue copyable)
            return copyable.DeepCopy();
        return ThrowNotCopyable(source.Kind);
    }

    private static object ThrowNotCopyable(ValueKind kind) =>
        throw new InvalidOperationException($"values of kind {kind} must implement {nameof(ICopyableValue)} for COPY");
}
