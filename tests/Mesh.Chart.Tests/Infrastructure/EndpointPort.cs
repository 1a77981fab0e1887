namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>A port an endpoint listens on.</summary>
public sealed record EndpointPort(string? Name, int Number, string Protocol)
{
    public override string ToString() => $"{Number}/{Protocol}";
}
