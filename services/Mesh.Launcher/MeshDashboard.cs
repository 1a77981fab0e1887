using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Launcher;

/// <summary>
/// The Aspire Dashboard as a process of its own beside the local mesh: the services send it their
/// traces, structured logs and metrics over OTLP/gRPC, and a browser shows them. Optional by design:
/// every way it can fail to start is a <see cref="DashboardStartException"/> with a one-line reason,
/// and the launcher runs the mesh without it.
/// </summary>
public sealed class MeshDashboard : IDisposable
{
    private const string Prefix = "dashboard | ";
    private const int TailCapacity = 20;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Process process;
    private readonly Action<string> output;
    private readonly LineTail tail = new(TailCapacity);
    private int stopping;
    private int exitReported;

    private MeshDashboard(MeshLauncherOptions options, Process process, Action<string> output)
    {
        Address = options.DashboardAddress;
        OtlpAddress = options.DashboardOtlpAddress;
        this.process = process;
        this.output = output;
    }

    /// <summary>The dashboard's pages in the browser.</summary>
    public Uri Address { get; }

    /// <summary>Where the services send OTLP/gRPC.</summary>
    public Uri OtlpAddress { get; }

    /// <summary>How long the dashboard took from process start until its pages answered.</summary>
    public TimeSpan StartTime { get; private set; }

    /// <summary>The operating-system process id.</summary>
    public int ProcessId => process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>
    /// The environment the dashboard runs with: its two loopback listeners, no login on either
    /// (loopback, one developer: no browser token to copy, no API key for the services), and none of
    /// the inherited settings that would open other listeners or export its own telemetry.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> EnvironmentFor(MeshLauncherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = options.DashboardAddress.GetLeftPart(UriPartial.Authority),
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = options.DashboardOtlpAddress.GetLeftPart(UriPartial.Authority),
            ["DASHBOARD__FRONTEND__AUTHMODE"] = "Unsecured",
            ["DASHBOARD__OTLP__AUTHMODE"] = "Unsecured",
            ["DASHBOARD__APPLICATIONNAME"] = "Mesh",
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_HTTPS_PORTS"] = null,
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = null,
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = null,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
            // The launcher's terminal shows the services' output; of the dashboard's, only what is
            // wrong. Its warnings that the OTLP port takes anything sent to it and that its cookie
            // keys are stored unencrypted describe the loopback-only setup above, on every start.
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Aspire.Dashboard.DashboardWebApplication"] = "Error",
            ["Logging__LogLevel__Microsoft.AspNetCore.DataProtection"] = "Error",
        };
    }

    /// <summary>
    /// Starts the dashboard and returns once its pages answer and its OTLP port accepts connections.
    /// Its output goes to <paramref name="output"/> line by line, and so does its exit should it
    /// stop on its own later.
    /// </summary>
    /// <exception cref="DashboardStartException">It cannot run here, a port is taken, or it did not come up.</exception>
    public static async Task<MeshDashboard> StartAsync(MeshLauncherOptions options, Action<string> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var (executable, problem) = DashboardExecutable.Find(options.DashboardPath);
        if (executable is null)
        {
            throw new DashboardStartException(problem!);
        }

        EnsurePortIsFree(options.DashboardPort, "browser", "--dashboard-port", "MESH_DASHBOARD_PORT");
        EnsurePortIsFree(options.DashboardOtlpPort, "OTLP", "--dashboard-otlp-port", "MESH_DASHBOARD_OTLP_PORT");

        // Its content root (wwwroot) is the folder it was shipped in.
        var startInfo = ProcessSessions.StartInfo(executable, Path.GetDirectoryName(executable)!);
        ProcessSessions.Apply(startInfo, EnvironmentFor(options));
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var dashboard = new MeshDashboard(options, process, output);
        process.OutputDataReceived += (_, line) => dashboard.Forward(line.Data);
        process.ErrorDataReceived += (_, line) => dashboard.Forward(line.Data);
        var started = Stopwatch.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            process.Dispose();
            throw new DashboardStartException($"{executable} could not be started: {exception.Message}", exception);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await dashboard.WaitUntilAnsweringAsync(options.DashboardStartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            dashboard.Dispose();
            throw;
        }

        dashboard.StartTime = Stopwatch.GetElapsedTime(started);
        process.Exited += (_, _) => dashboard.OnExited();
        if (process.HasExited)
        {
            dashboard.OnExited();
        }

        return dashboard;
    }

    /// <summary>Stops the dashboard with SIGTERM, and with SIGKILL if it has not exited within a few seconds.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref stopping, 1);
        if (process.HasExited)
        {
            return;
        }

        ProcessSignals.Send(process, StopSignal.Terminate);
        using var graceful = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        graceful.CancelAfter(StopTimeout);
        try
        {
            await process.WaitForExitAsync(graceful.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ProcessSignals.Send(process, StopSignal.Kill);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process if it still runs; never leaves an orphan behind.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref stopping, 1);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(StopTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill, or never started.
        }

        process.Dispose();
    }

    // Any HTTP answer on the browser port means the pages are served; Kestrel binds the OTLP
    // listener with them, and the connect check makes sure before the services are told to send.
    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Loopback only: an http_proxy in the developer's environment must not see these calls.
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = CallTimeout };
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(timeout);
        while (!overall.IsCancellationRequested)
        {
            if (process.HasExited)
            {
                // Drain the output first so the tail holds the reason it stopped.
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw new DashboardStartException($"it exited with code {process.ExitCode} before it answered{LastOutput()}");
            }

            try
            {
                using var response = await client.GetAsync(Address, HttpCompletionOption.ResponseHeadersRead, overall.Token).ConfigureAwait(false);
                if ((int)response.StatusCode < 500 && await AcceptsAsync(OtlpAddress, overall.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // This call took too long (the next one may not), or the whole wait is over.
            }

            try
            {
                await Task.Delay(PollInterval, overall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new DashboardStartException($"no answer at {Address.GetLeftPart(UriPartial.Authority)} within {timeout.TotalSeconds:0.#} s{LastOutput()}");
    }

    private static async Task<bool> AcceptsAsync(Uri address, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, address.Port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void EnsurePortIsFree(int port, string listener, string flag, string variable)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
        }
        catch (SocketException exception)
        {
            throw new DashboardStartException(
                $"its {listener} port 127.0.0.1:{port} is taken ({exception.SocketErrorCode}); is another dashboard running? " +
                $"Pick another with {flag} or {variable}",
                exception);
        }
    }

    private string LastOutput()
    {
        var lines = tail.Lines;
        return lines.Count == 0 ? "" : $" (its last output: {lines[^1].Trim()})";
    }

    private void OnExited()
    {
        if (Volatile.Read(ref stopping) == 0 && Interlocked.Exchange(ref exitReported, 1) == 0)
        {
            output($"{Prefix}exited with code {process.ExitCode}; the mesh goes on without it");
        }
    }

    private void Forward(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Trim().Length > 0)
        {
            tail.Add(line);
        }

        output(Prefix + line);
    }
}
