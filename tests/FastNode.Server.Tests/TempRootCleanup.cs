namespace FastNode.Server.Tests;

/// <summary>Runs once after every test of the assembly: removes the temp root the in-memory servers used as `dir`.</summary>
[SetUpFixture]
public sealed class TempRootCleanup
{
    [OneTimeTearDown]
    public void DeleteTempRoot() => InMemoryClient.DeleteTempRoot();
}
