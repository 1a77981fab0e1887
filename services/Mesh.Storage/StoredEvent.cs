namespace Mesh.Storage;

/// <summary>One row of an event log: its sequence, filter key, serialised event and commit time.</summary>
public sealed record StoredEvent(long Sequence, string FilterKey, byte[] Payload, DateTimeOffset OccurTime);
