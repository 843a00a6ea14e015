namespace FastNode.Cluster.Tests.Simulation;

public enum HostState
{
    Running,
    /// <summary>A stopped process (SIGSTOP, a long GC): it neither runs nor reads; its frames wait in the socket.</summary>
    Paused,
    /// <summary>Gone (kill -9); frames to it are lost.</summary>
    Crashed,
}
