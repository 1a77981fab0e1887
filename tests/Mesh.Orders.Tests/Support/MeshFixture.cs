using Microsoft.Data.Sqlite;

namespace Mesh.Orders.Tests.Support;

/// <summary>One <see cref="OrdersMesh"/> per test class, orders on SQLite; its tests run one after another and use their own users and skus.</summary>
public sealed class MeshFixture : IOrdersMeshFixture, IDisposable
{
    public OrdersMesh Mesh { get; } = new();

    public Task<OwnedOrdersMesh> CreateOwnAsync(IReadOnlyDictionary<string, string>? ordersSettings = null)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-orders-own-");
        var mesh = new OrdersMesh(Path.Combine(directory.FullName, "orders.db"), ordersSettings);
        return Task.FromResult(new OwnedOrdersMesh(mesh, () =>
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
            return ValueTask.CompletedTask;
        }));
    }

    public void Dispose() => Mesh.Dispose();
}
