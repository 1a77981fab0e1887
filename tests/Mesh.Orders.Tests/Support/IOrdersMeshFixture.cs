namespace Mesh.Orders.Tests.Support;

/// <summary>
/// A test class's shared <see cref="OrdersMesh"/> with orders on one storage provider, and
/// fresh meshes on the same provider for tests that need one of their own.
/// </summary>
public interface IOrdersMeshFixture
{
    OrdersMesh Mesh { get; }

    /// <summary>A mesh of the test's own on a fresh orders database, which it can restart; disposing it deletes the database.</summary>
    Task<OwnedOrdersMesh> CreateOwnAsync(IReadOnlyDictionary<string, string>? ordersSettings = null);
}
