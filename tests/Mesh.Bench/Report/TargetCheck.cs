namespace Mesh.Bench.Report;

/// <summary>One target of the benchmarks issue against what this run measured.</summary>
/// <param name="Verdict"><c>met</c>, <c>missed</c> or <c>not run</c>.</param>
public sealed record TargetCheck(string Target, string Goal, string Measured, string Verdict);
