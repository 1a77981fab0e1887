using Mesh.Inventory.Api;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Support;

/// <summary>
/// <see cref="HostFixture"/> on PostgreSQL: one host on a fresh database shared by a class's
/// tests. Without a configured server it creates nothing (the class's tests are skipped).
/// </summary>
public class PostgresHostFixture : IAsyncLifetime
{
    private readonly Action<MeshServiceFactory<InventoryGrpcService>>? _configure;
    private InventoryHost? _host;

    public PostgresHostFixture()
    {
    }

    /// <summary>For derived fixtures with their own settings (xunit wants one public constructor).</summary>
    protected PostgresHostFixture(Action<MeshServiceFactory<InventoryGrpcService>> configure) => _configure = configure;

    public InventoryHost Host => _host ?? throw new InvalidOperationException("No PostgreSQL host: the server is not configured.");

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is null)
        {
            _host = await InventoryHost.CreateAsync(postgres: true, _configure);
        }
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
