namespace Mesh.Inventory.Tests.Support;

/// <summary>
/// One host shared by the tests of a class (they run one at a time); each test uses its own
/// skus and reservation ids, so tests do not see each other's effects.
/// </summary>
public sealed class HostFixture : IDisposable
{
    public InventoryHost Host { get; } = new();

    public void Dispose() => Host.Dispose();
}
