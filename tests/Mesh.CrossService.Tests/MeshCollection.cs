namespace Mesh.CrossService.Tests;

/// <summary>
/// Every test that touches the shared mesh runs in this one collection, so they run one after
/// another: some stop and restart services that the others call.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MeshCollection : ICollectionFixture<MeshFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Mesh";
}
