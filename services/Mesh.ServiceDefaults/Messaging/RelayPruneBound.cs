using Mesh.ServiceDefaults.Feeds;
using Mesh.Storage;

namespace Mesh.ServiceDefaults.Messaging;

/// <summary>Retention keeps every event the relay has not had confirmed by the broker.</summary>
public sealed class RelayPruneBound(RelayedLog relayed, StoreDatabase database) : IPruneBound
{
    public string LogName => relayed.LogName;

    public Task<long> ThroughAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(session => ConsumerCursors.GetAsync(session, relayed.CheckpointName), cancellationToken);
}
