using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Mesh.CrossService.Tests.Readme;

/// <summary>The bash blocks of the README's walk-throughs (grpcurl, REST), in order.</summary>
internal static partial class ReadmeWalkthrough
{
    public const string GrpcurlHeading = "## A grpcurl walk-through";

    public const string RestHeading = "## A REST walk-through";

    public static IReadOnlyList<string> Blocks(string readme, string heading = GrpcurlHeading)
    {
        var start = readme.IndexOf(heading, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"README.md has no '{heading}' section.");
        }

        var end = readme.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        var section = end < 0 ? readme[start..] : readme[start..end];
        return BashBlock().Matches(section).Select(match => match.Groups[1].Value).ToList();
    }

    /// <summary>The README talks to the default ports; the test mesh runs on free ones.</summary>
    public static string WithPorts(string block, int users, int inventory, int orders) =>
        block.Replace("127.0.0.1:5001", $"127.0.0.1:{users}", StringComparison.Ordinal)
            .Replace("127.0.0.1:5002", $"127.0.0.1:{inventory}", StringComparison.Ordinal)
            .Replace("127.0.0.1:5003", $"127.0.0.1:{orders}", StringComparison.Ordinal);

    /// <summary>The REST walk-through talks to the default HTTP ports; the test mesh runs on free ones.</summary>
    public static string WithHttpPorts(string block, int users, int inventory, int orders) =>
        block.Replace("127.0.0.1:5101", $"127.0.0.1:{users}", StringComparison.Ordinal)
            .Replace("127.0.0.1:5102", $"127.0.0.1:{inventory}", StringComparison.Ordinal)
            .Replace("127.0.0.1:5103", $"127.0.0.1:{orders}", StringComparison.Ordinal);

    /// <summary>
    /// Runs a walk-through script with bash in its own folder, bounded at 240 s (the process tree is
    /// killed on timeout), with <paramref name="environment"/> on top of this process's.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash", [script])
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = Deadlines.After(240);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The order id a walk-through script prints last, as <c>ORDER_ID=...</c> on a line of its own.</summary>
    public static string OrderId(string output) =>
        output.Split('\n').Single(line => line.StartsWith("ORDER_ID=", StringComparison.Ordinal))["ORDER_ID=".Length..].Trim();

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
