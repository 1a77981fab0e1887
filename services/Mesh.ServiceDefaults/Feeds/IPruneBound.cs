namespace Mesh.ServiceDefaults.Feeds;

/// <summary>
/// A reader of an event log that must see every event (the broker relay): retention deletes
/// nothing after <see cref="ThroughAsync"/>, however old, so a long broker outage delays pruning
/// instead of losing events.
/// </summary>
public interface IPruneBound
{
    /// <summary>The log the bound applies to.</summary>
    string LogName { get; }

    /// <summary>The last sequence the reader is done with; retention may delete up to it.</summary>
    Task<long> ThroughAsync(CancellationToken cancellationToken);
}
