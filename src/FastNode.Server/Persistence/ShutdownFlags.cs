namespace FastNode.Server.Persistence;

/// <summary>SHUTDOWN's modifiers, and the flags of shutdown-on-sigterm / shutdown-on-sigint.</summary>
[Flags]
public enum ShutdownFlags
{
    None = 0,
    NoSave = 1,
    Save = 2,
    Now = 4,
    Force = 8,
}
