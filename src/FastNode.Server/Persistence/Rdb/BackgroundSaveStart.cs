namespace FastNode.Server.Persistence.Rdb;

/// <summary>What <see cref="RdbFile.StartBackground"/> did.</summary>
public enum BackgroundSaveStart
{
    Started,
    AlreadyInProgress,
}
