namespace Mesh.ServiceDefaults.Messaging;

/// <summary>The lease on SQLite: one process owns the database file, so it always relays.</summary>
public sealed class ProcessRelayLease : IRelayLease, IRelayLeadership
{
    public Task<IRelayLeadership> AcquireAsync(string log, CancellationToken cancellationToken) => Task.FromResult<IRelayLeadership>(this);

    public Task ConfirmHeldAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
