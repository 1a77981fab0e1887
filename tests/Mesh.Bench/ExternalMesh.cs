namespace Mesh.Bench;

/// <summary>Addresses of a mesh the harness did not start (and so cannot restart or measure per process).</summary>
public sealed record ExternalMesh(Uri Users, Uri Inventory, Uri Orders);
