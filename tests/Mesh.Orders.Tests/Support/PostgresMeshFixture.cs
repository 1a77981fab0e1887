using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Support;

/// <summary>
/// One <see cref="OrdersMesh"/> per test class with orders on a fresh PostgreSQL database
/// (users and inventory as always); nothing is started when the PostgreSQL tests are skipped.
/// </summary>
public sealed class PostgresMeshFixture : IOrdersMeshFixture, IAsyncLifetime
{
    private PostgresServer.TestDatabase? _database;
    private OrdersMesh? _mesh;

    public OrdersMesh Mesh => _mesh ?? throw new InvalidOperationException("the PostgreSQL tests are skipped: " + PostgresServer.SkipReason);

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return;
        }

        _database = await PostgresServer.CreateDatabaseAsync();
        _mesh = new OrdersMesh(ordersPostgres: _database.ConnectionString);
    }

    public async Task<OwnedOrdersMesh> CreateOwnAsync(IReadOnlyDictionary<string, string>? ordersSettings = null)
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        return new OwnedOrdersMesh(new OrdersMesh(ordersSettings: ordersSettings, ordersPostgres: database.ConnectionString), database.DisposeAsync);
    }

    public async Task DisposeAsync()
    {
        _mesh?.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
