namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>A pod (with its namespace and labels) or, with no namespace, an address outside the cluster.</summary>
public sealed record NetworkEndpoint(string Name, string? Namespace, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<EndpointPort> Ports)
{
    public bool IsPod => Namespace is not null;

    public override string ToString() => Name;
}
