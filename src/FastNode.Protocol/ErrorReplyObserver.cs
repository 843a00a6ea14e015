namespace FastNode.Protocol;

/// <summary>
/// Told about every error reply a <see cref="RespWriter"/> writes (the text after '-'), so the server can keep
/// Redis's per-prefix error counters (INFO errorstats). The span is valid only during the call.
/// </summary>
public delegate void ErrorReplyObserver(ReadOnlySpan<byte> error);
