namespace FastNode.Protocol;

/// <summary>
/// A forgiving look ahead over pipelined requests: finds the second argument (the key, for most commands) of each
/// whole multibulk request at the start of a span, without validating or copying anything. Used only as a hint
/// (which keys will be looked up soon); the real parse still decides what the bytes mean, so anything unusual
/// (inline commands, a request cut by the span's end, odd lengths) simply ends the look ahead.
/// </summary>
public static class RespKeyPeek
{
    /// <summary>
    /// Reads one request starting at <paramref name="input"/>[0]. Returns false when it is not a whole, plain
    /// multibulk request. <paramref name="key"/> is empty when the request has fewer than two arguments.
    /// </summary>
    public static bool TryNext(ReadOnlySpan<byte> input, out int consumed, out ReadOnlySpan<byte> key)
    {
        consumed = 0;
        key = default;
        if (input.IsEmpty || input[0] != (byte)'*' || !TryReadNumber(input, 1, out long count, out int pos) || count < 1) return false;
        for (long i = 0; i < count; i++)
        {
            if (pos >= input.Length || input[pos] != (byte)'$' || !TryReadNumber(input, pos + 1, out long length, out pos)) return false;
            if (length < 0 || length > input.Length - pos - 2) return false;
            if (i == 1) key = input.Slice(pos, (int)length);
            pos += (int)length + 2;
        }
        consumed = pos;
        return true;
    }

    // A number at start as the real parser reads it (RespRequestParser.TryParseLength), then CR and one more byte;
    // pos is set past them. At most 20 digits, so garbage is not scanned far.
    private static bool TryReadNumber(ReadOnlySpan<byte> input, int start, out long value, out int pos)
    {
        value = 0;
        pos = start;
        if (start >= input.Length) return false;
        var rest = input.Slice(start);
        int cr = rest.Slice(0, Math.Min(rest.Length, 21)).IndexOf((byte)'\r');
        if (cr < 1 || cr + 1 >= rest.Length || !RespRequestParser.TryParseLength(rest.Slice(0, cr), out value)) return false;
        pos = start + cr + 2;
        return true;
    }
}
