namespace Mesh.Inventory.Tests.Support;

/// <summary><see cref="NoSweepHostFixture"/> on PostgreSQL.</summary>
public sealed class PostgresNoSweepHostFixture()
    : PostgresHostFixture(factory => factory.WithSetting("Mesh:Inventory:ExpirySweepInterval", "01:00:00"));
