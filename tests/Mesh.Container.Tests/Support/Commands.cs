using System.Diagnostics;

namespace Mesh.Container.Tests.Support;

/// <summary>Runs external commands with a time limit; a command that overruns is killed with its children.</summary>
public static class Commands
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/> (no shell) and captures its output.</summary>
    public static async Task<CommandResult> RunAsync(
        string file, IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var commandLine = string.Join(' ', arguments.Prepend(file).Select(Quote));
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start `{commandLine}`");
        process.StandardInput.Close();
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        var timedOut = false;
        using (var limit = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        return new CommandResult(
            commandLine, process.ExitCode, await standardOutput, await standardError, timedOut, stopwatch.Elapsed);
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(character => char.IsLetterOrDigit(character) || "-_./:=,@".Contains(character))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
