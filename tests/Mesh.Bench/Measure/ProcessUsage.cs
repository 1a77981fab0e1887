namespace Mesh.Bench.Measure;

/// <summary>
/// What one process used during one scenario: CPU seconds (user + system), the highest sampled RSS,
/// and the private part (anonymous + shared-memory pages, see <see cref="ProcessProbe.Memory"/>) of
/// that same sample.
/// </summary>
public sealed record ProcessUsage(string Process, double CpuSeconds, double PeakRssMb, double PrivateAtPeakMb);
