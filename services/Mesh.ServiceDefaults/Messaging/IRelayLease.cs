namespace Mesh.ServiceDefaults.Messaging;

/// <summary>
/// Which replica relays a log: exactly one holds its lease at a time, so events leave in log
/// order. A lease whose holder dies is freed and taken by another replica, which goes on from the
/// shared checkpoint.
/// </summary>
public interface IRelayLease
{
    /// <summary>Waits until this replica holds <paramref name="log"/>'s lease; dispose the lease to give it up.</summary>
    Task<IRelayLeadership> AcquireAsync(string log, CancellationToken cancellationToken);
}

/// <summary>A held lease.</summary>
public interface IRelayLeadership : IAsyncDisposable
{
    /// <summary>Throws when the lease may have been lost (its database session ended), before the relay publishes more.</summary>
    Task ConfirmHeldAsync(CancellationToken cancellationToken);
}
