namespace Mesh.Container.Tests.Support;

/// <summary>Every container test shares one image build and one running mesh, one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class MeshContainersCollection : ICollectionFixture<MeshContainers>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Mesh containers";
}
