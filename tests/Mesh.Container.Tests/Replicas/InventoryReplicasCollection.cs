namespace Mesh.Container.Tests.Replicas;

/// <summary>
/// The replica tests share one network of inventory replicas. Not run in parallel with the other
/// collection: the crash and spread numbers are timing-sensitive on a 2-core machine, and the
/// other fixture's mesh should not be starting up beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InventoryReplicasCollection : ICollectionFixture<InventoryReplicas>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Inventory replicas on one DNS alias";
}
