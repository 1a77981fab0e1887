using System.Runtime.InteropServices;
using Grpc.Core;
using Mesh.Launcher;

// A subcommand, not a flag: it mints a token and exits, and runs no mesh.
if (args is [TokenCommand.Name, .. var tokenArgs])
{
    return TokenCommand.Run(tokenArgs, Environment.GetEnvironmentVariable, Console.Out, Console.Error);
}

MeshLauncherOptions? options;
try
{
    options = LauncherCommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(LauncherCommandLine.Usage);
    return 2;
}

if (options is null)
{
    Console.WriteLine(LauncherCommandLine.Usage);
    return 0;
}

using var stopping = new CancellationTokenSource();
void RequestStop(PosixSignalContext context)
{
    // Replaces the default (terminate now) with a graceful stop of the children.
    context.Cancel = true;
    stopping.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, RequestStop);

try
{
    await using var mesh = await MeshLauncher.StartAsync(options, stopping.Token);
    foreach (var line in MeshBanner.For(mesh, Guid.NewGuid(), Guid.NewGuid()))
    {
        Console.WriteLine(line);
    }

    try
    {
        var crashed = await mesh.WhenAnyExitsAsync(stopping.Token);
        Console.Error.WriteLine(MeshLaunchException.For(crashed, $"exited unexpectedly with code {crashed.ExitCode}; stopping the mesh.").Message);
        return 1;
    }
    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
    {
        Console.WriteLine("Stopping the mesh...");
        return 0;
    }
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    return 0;
}
catch (Exception exception) when (exception is MeshLaunchException or FileNotFoundException)
{
    Console.Error.WriteLine(exception.Message);
    return 1;
}
catch (RpcException exception)
{
    // Seeding is the only call the launcher makes beyond health checks.
    Console.Error.WriteLine($"Seeding the demo data failed: {exception.StatusCode} {exception.Status.Detail}");
    return 1;
}
