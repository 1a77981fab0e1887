namespace Mesh.Inventory.Tests.Support;

/// <summary>
/// A host whose expiry sweep effectively never runs, so a test can move the clock past a
/// hold's TTL and see what the calls themselves do with an overdue hold.
/// </summary>
public sealed class NoSweepHostFixture : IDisposable
{
    public InventoryHost Host { get; } = new(configure: factory => factory.WithSetting("Mesh:Inventory:ExpirySweepInterval", "01:00:00"));

    public void Dispose() => Host.Dispose();
}
