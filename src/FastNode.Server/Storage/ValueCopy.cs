namespace FastNode.Server.Storage;

/// <summary>Deep copies of stored values (COPY). Call with the source shard's lock held.</summary>
public static class ValueCopy
{
    /// <summary>
    /// A value equal to <paramref name="source"/>'s that shares nothing mutable with it: a string gets a new array
    /// of exactly its length, a family object its <see cref="ICopyableValue.DeepCopy"/>.
    /// </summary>
    public static object Of(in Entry source)
    {
        if (source.Kind == ValueKind.String)
            return source.StringSpan.ToArray();
        if (source.Value is ICopyableValue copyable)
            return copyable.DeepCopy();
        return ThrowNotCopyable(source.Kind);
    }

    private static object ThrowNotCopyable(ValueKind kind) =>
        throw new InvalidOperationException($"values of kind {kind} must implement {nameof(ICopyableValue)} for COPY");
}
