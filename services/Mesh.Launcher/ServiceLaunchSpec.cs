namespace Mesh.Launcher;

/// <summary>Everything needed to start one process of a service.</summary>
public sealed record ServiceLaunchSpec(
    MeshServiceInfo Info,
    string AssemblyPath,
    Uri Address,
    IReadOnlyDictionary<string, string?> Environment);
