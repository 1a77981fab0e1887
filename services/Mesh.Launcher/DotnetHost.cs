namespace Mesh.Launcher;

/// <summary>Finds the <c>dotnet</c> executable that runs the service dlls.</summary>
internal static class DotnetHost
{
    /// <summary>Full path of the dotnet muxer, or plain <c>dotnet</c> to search PATH.</summary>
    public static string ExecutablePath { get; } = Find();

    private static string Find()
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

        // Set by the dotnet CLI for the processes it starts (dotnet test, dotnet run).
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        var processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileName(processPath) == executable)
        {
            return processPath;
        }

        // The running runtime lives in <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        if (runtimeDirectory is not null)
        {
            var candidate = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", "..", executable));
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return executable;
    }
}
