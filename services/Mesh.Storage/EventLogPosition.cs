namespace Mesh.Storage;

/// <summary>
/// Where an event log stands: <paramref name="Head"/> is the newest sequence ever assigned,
/// <paramref name="PrunedThrough"/> the newest sequence deleted by retention (0 if none).
/// </summary>
public readonly record struct EventLogPosition(long Head, long PrunedThrough);
