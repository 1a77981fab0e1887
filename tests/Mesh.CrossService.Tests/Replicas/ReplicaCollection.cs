namespace Mesh.CrossService.Tests.Replicas;

/// <summary>The tests on the replicated mesh share one set of nine processes and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ReplicaCollection : ICollectionFixture<ReplicaMeshFixture>
{
    public const string Name = "Replicas";
}
