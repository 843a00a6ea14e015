namespace FastNode.Protocol;

/// <summary>Where one argument sits inside the buffer a command was parsed from.</summary>
public readonly record struct ArgRange(int Offset, int Length);
