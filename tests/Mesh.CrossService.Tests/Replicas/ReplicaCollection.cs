namespace Mesh.CrossService.Tests.Replicas;

/// <summary>
/// The tests on the replicated mesh share one set of nine processes and run one after another,
/// and after every other collection, alone: their failover and rolling-restart timings need the
/// two cores, not a share of them with the single-replica mesh's tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplicaCollection : ICollectionFixture<ReplicaMeshFixture>
{
    public const string Name = "Replicas";
}
