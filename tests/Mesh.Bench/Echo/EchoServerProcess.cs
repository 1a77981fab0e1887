using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Bench.V1;

namespace Mesh.Bench.Echo;

/// <summary>The echo server as a child process of the harness (this same program with --serve-echo).</summary>
public sealed class EchoServerProcess : IDisposable
{
    private readonly Process process;

    private EchoServerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        // Ctrl-C or a crash of the harness must not leave the child running.
        AppDomain.CurrentDomain.ProcessExit += OnExit;
    }

    public Uri Address { get; }

    public int ProcessId => process.Id;

    /// <summary>Starts the echo server on <paramref name="port"/> and waits until an Echo call succeeds.</summary>
    public static async Task<EchoServerProcess> StartAsync(string kind, int port, Action<string> output, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var self = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            startInfo.FileName = self;
            startInfo.ArgumentList.Add(typeof(EchoServerProcess).Assembly.Location);
        }
        else
        {
            startInfo.FileName = self; // the apphost
        }

        foreach (var argument in new[] { "--serve-echo", kind, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The services run the workstation GC (Directory.Build.props); so must the baseline.
        startInfo.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the echo server.");
        process.OutputDataReceived += (_, line) => Forward(output, kind, line.Data);
        process.ErrorDataReceived += (_, line) => Forward(output, kind, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var echo = new EchoServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await echo.WaitUntilAnsweringAsync(cancellationToken).ConfigureAwait(false);
            return echo;
        }
        catch
        {
            echo.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        OnExit(null, EventArgs.Empty);
        process.Dispose();
    }

    private static void Forward(Action<string> output, string kind, string? line)
    {
        if (line is not null)
        {
            output($"echo-{kind} | {line}");
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(Address);
        var client = new EchoService.EchoServiceClient(channel);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The echo server exited with code {process.ExitCode} before it answered.");
            }

            try
            {
                await client.EchoAsync(new EchoRequest { Payload = ByteString.Empty }, deadline: DateTime.UtcNow.AddSeconds(1), cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void OnExit(object? sender, EventArgs e)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
