using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Bench.Report;

/// <summary>Writes the whole run as JSON, for tools and for comparing runs.</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Render(BenchReport report) => JsonSerializer.Serialize(report, Options) + "\n";
}
