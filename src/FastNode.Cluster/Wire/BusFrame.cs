namespace FastNode.Cluster.Wire;

/// <summary>A frame that passed every check: its header and its decoded message.</summary>
public sealed record BusFrame(FrameHeader Header, IBusMessage Message);
