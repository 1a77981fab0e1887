namespace Mesh.Container.Tests.Support;

/// <summary>How one external command (the container engine, the build script) ended.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Elapsed)
{
    /// <summary>Whether the command exited with 0 within its time limit.</summary>
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>Returns this result, or throws with the command line and the end of its output.</summary>
    public CommandResult EnsureSuccess()
    {
        if (Succeeded)
        {
            return this;
        }

        var outcome = TimedOut ? $"timed out after {Elapsed.TotalSeconds:F0} s" : $"exited with {ExitCode}";
        throw new InvalidOperationException(
            $"`{CommandLine}` {outcome}.{Environment.NewLine}--- stderr (end) ---{Environment.NewLine}{Tail(StandardError)}"
            + $"{Environment.NewLine}--- stdout (end) ---{Environment.NewLine}{Tail(StandardOutput)}");
    }

    /// <summary>The last <paramref name="lines"/> lines of <paramref name="text"/>.</summary>
    public static string Tail(string text, int lines = 40) =>
        string.Join(Environment.NewLine, text.TrimEnd().Split('\n').Select(line => line.TrimEnd('\r')).TakeLast(lines));
}
