using Mesh.Bench.Measure;

namespace Mesh.Bench.Report;

/// <summary>Everything one run produced; serialised whole as results.json.</summary>
public sealed record BenchReport(
    string Profile,
    string Command,
    DateTimeOffset StartedUtc,
    double TotalSeconds,
    MachineInfo Machine,
    string LoadAverageAtEnd,
    IReadOnlyList<ScenarioRow> Rows,
    IReadOnlyList<TargetCheck> Targets,
    IReadOnlyList<string> Notes);
