namespace Mesh.Orders.Tests.Telemetry;

/// <summary>
/// Tests that read the services' metrics as an exporter sees them. Not run beside the other tests:
/// OpenTelemetry's meter providers subscribe to meters by name across the whole process, so every
/// in-process host's series merge into every provider, and a host that another test stops (its
/// meters disposed) ends those merged series in all of them; the scrape would then lack the
/// services' own metrics. Run alone, only this collection's hosts are alive.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetricsCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Process-wide metrics";
}
