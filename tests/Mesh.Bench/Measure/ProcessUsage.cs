namespace Mesh.Bench.Measure;

/// <summary>What one process used during one scenario: CPU seconds (user + system) and the highest sampled RSS.</summary>
public sealed record ProcessUsage(string Process, double CpuSeconds, double PeakRssMb);
