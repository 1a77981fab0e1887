namespace Mesh.Orders.Tests.Support;

/// <summary>A test's own <see cref="OrdersMesh"/>; disposing it stops the hosts, then deletes orders' database.</summary>
public sealed class OwnedOrdersMesh(OrdersMesh mesh, Func<ValueTask> deleteDatabase) : IAsyncDisposable
{
    public OrdersMesh Mesh => mesh;

    public async ValueTask DisposeAsync()
    {
        mesh.Dispose();
        await deleteDatabase();
    }
}
