namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>What a finished command printed and how it exited.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The whole run, for assertion messages.</summary>
    public override string ToString() =>
        $"$ {Command}\nexit code {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}
