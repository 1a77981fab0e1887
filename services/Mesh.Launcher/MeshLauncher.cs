using System.Net;
using System.Net.Sockets;

namespace Mesh.Launcher;

/// <summary>
/// Runs users, inventory and orders as separate local processes on 127.0.0.1 (a gRPC and an HTTP
/// port each), waits until each is ready, seeds the demo data, and stops them gracefully (orders
/// first). With <see cref="MeshLauncherOptions.Dashboard"/> it starts the Aspire Dashboard first and
/// sends the services' telemetry there; the mesh never depends on it. The console launcher and the
/// cross-service tests both use this type, so the tests start the mesh exactly as developers do.
/// </summary>
public sealed class MeshLauncher : IAsyncDisposable
{
    private const string Prefix = "launcher  | ";

    private static readonly MeshService[] StartOrder = [MeshService.Users, MeshService.Inventory, MeshService.Orders];

    private readonly Dictionary<MeshService, ServiceProcess> running = [];
    private readonly Lock gate = new();
    private MeshDashboard? dashboard;
    private string? adminToken;
    private int disposed;

    private MeshLauncher(MeshLauncherOptions options)
    {
        Options = options;
        // A launcher that dies without disposing must still take its children with it.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException += OnProcessExit;
    }

    /// <summary>The options the mesh was started with.</summary>
    public MeshLauncherOptions Options { get; }

    /// <summary>The seeded demo data; null with <see cref="MeshLauncherOptions.Seed"/> off or on a seed conflict.</summary>
    public DemoData? Demo { get; private set; }

    /// <summary>Why seeding was refused, when it was (see <see cref="DemoDataConflictException"/>).</summary>
    public string? SeedConflict { get; private set; }

    /// <summary>Where the dashboard runs, or why it does not; <see cref="DashboardStatus.Off"/> when not asked for.</summary>
    public DashboardStatus Dashboard { get; private set; } = DashboardStatus.Off;

    /// <summary>The current process of <paramref name="service"/>.</summary>
    /// <exception cref="InvalidOperationException">The service was stopped and not restarted.</exception>
    public ServiceProcess this[MeshService service]
    {
        get
        {
            lock (gate)
            {
                return running.TryGetValue(service, out var process)
                    ? process
                    : throw new InvalidOperationException($"{MeshServiceInfo.Of(service).Name} is not running.");
            }
        }
    }

    /// <summary>
    /// Starts the whole mesh and returns once every service is ready, its HTTP port answers, and
    /// the demo data is seeded.
    /// </summary>
    /// <exception cref="MeshLaunchException">A service failed to start; every started process is stopped again.</exception>
    public static async Task<MeshLauncher> StartAsync(MeshLauncherOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        var launcher = new MeshLauncher(options);
        try
        {
            if (options.PostgresServer is { } server)
            {
                await PostgresDatabases.EnsureCreatedAsync(server, launcher.Say, cancellationToken).ConfigureAwait(false);
                launcher.Say($"storage: PostgreSQL at {PostgresDatabases.Describe(server)}");
            }

            // Before the services, which read the key set and their token files as they start.
            if (options.Auth)
            {
                var issuer = new LocalIssuer(options.DataDirectory);
                launcher.adminToken = issuer.Prepare();
                launcher.Say($"access control: on, development issuer in {issuer.Folder}; admin token in {issuer.AdminTokenPath}");
            }

            // Before the services, so that what they log and trace from their first moment reaches it.
            if (options.Dashboard)
            {
                await launcher.StartDashboardAsync(cancellationToken).ConfigureAwait(false);
            }

            // All three start at once: none needs another to become ready.
            foreach (var service in StartOrder)
            {
                launcher.Launch(service, extraEnvironment: null);
            }

            await Task.WhenAll(StartOrder.Select(service =>
                ReadinessProbe.WaitUntilServingAsync(launcher[service], options.StartTimeout, cancellationToken))).ConfigureAwait(false);
            await Task.WhenAll(StartOrder.Select(service =>
                HttpProbe.WaitUntilAnsweringAsync(launcher[service], options.HttpAddressOf(service), options.HttpCheckTimeout, cancellationToken))).ConfigureAwait(false);
            launcher.Say("all services are ready");

            if (options.Seed)
            {
                await launcher.SeedAsync(cancellationToken).ConfigureAwait(false);
            }

            return launcher;
        }
        catch
        {
            await launcher.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The plaintext h2c address of <paramref name="service"/>.</summary>
    public Uri AddressOf(MeshService service) => Options.AddressOf(service);

    /// <summary>The HTTP/1.1 address of <paramref name="service"/>: REST/JSON, gRPC-Web, OpenAPI and /docs.</summary>
    public Uri HttpAddressOf(MeshService service) => Options.HttpAddressOf(service);

    /// <summary>
    /// Starts <paramref name="service"/> again after a stop and waits until it is ready.
    /// <paramref name="extraEnvironment"/> applies to this process only, on top of the options.
    /// </summary>
    public async Task<ServiceProcess> StartServiceAsync(
        MeshService service,
        IReadOnlyDictionary<string, string?>? extraEnvironment,
        CancellationToken cancellationToken)
    {
        var process = Launch(service, extraEnvironment);
        try
        {
            await ReadinessProbe.WaitUntilServingAsync(process, Options.StartTimeout, cancellationToken).ConfigureAwait(false);
            return process;
        }
        catch
        {
            await StopServiceAsync(service, StopSignal.Kill, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops <paramref name="service"/>: SIGTERM waits up to <see cref="MeshLauncherOptions.StopTimeout"/>
    /// and then kills; SIGKILL ends it at once. Returns the exit code.
    /// </summary>
    public async Task<int> StopServiceAsync(MeshService service, StopSignal signal, CancellationToken cancellationToken)
    {
        ServiceProcess? process;
        lock (gate)
        {
            running.Remove(service, out process);
        }

        if (process is null)
        {
            return 0;
        }

        using (process)
        {
            Say($"stopping {process.Spec.Info.Name} (pid {process.ProcessId}) with SIG{(signal == StopSignal.Kill ? "KILL" : "TERM")}");
            var exitCode = signal == StopSignal.Kill
                ? await KillAsync(process, cancellationToken).ConfigureAwait(false)
                : await process.StopAsync(Options.StopTimeout, cancellationToken).ConfigureAwait(false);
            Say($"{process.Spec.Info.Name} exited with code {exitCode}");
            return exitCode;
        }
    }

    /// <summary>Completes with the first service process that exits on its own.</summary>
    public Task<ServiceProcess> WhenAnyExitsAsync(CancellationToken cancellationToken)
    {
        ServiceProcess[] processes;
        lock (gate)
        {
            processes = [.. running.Values];
        }

        if (processes.Length == 0)
        {
            throw new InvalidOperationException("No service is running.");
        }

        return Task.WhenAny(processes.Select(async process =>
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process;
        })).Unwrap();
    }

    /// <summary>Stops every service gracefully: orders first (it calls the others), then users and inventory.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await StopServiceAsync(MeshService.Orders, StopSignal.Terminate, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(
            StopServiceAsync(MeshService.Inventory, StopSignal.Terminate, cancellationToken),
            StopServiceAsync(MeshService.Users, StopSignal.Terminate, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Stops every service gracefully and forgets them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            // Last, so that it still receives what the services send while they stop.
            if (dashboard is { } started)
            {
                Say($"stopping the dashboard (pid {started.ProcessId})");
                await started.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            KillAll();
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            AppDomain.CurrentDomain.UnhandledException -= OnProcessExit;
        }
    }

    private ServiceProcess Launch(MeshService service, IReadOnlyDictionary<string, string?>? extraEnvironment)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) == 1, this);
        var info = MeshServiceInfo.Of(service);
        lock (gate)
        {
            if (running.ContainsKey(service))
            {
                throw new InvalidOperationException($"{info.Name} is already running.");
            }
        }

        EnsurePortIsFree(info, Options.PortOf(service), "gRPC", info.PortFlag, info.PortVariable);
        EnsurePortIsFree(info, Options.HttpPortOf(service), "HTTP", info.HttpPortFlag, info.HttpPortVariable);
        var spec = new ServiceLaunchSpec(
            info,
            Options.AssemblyPaths.TryGetValue(service, out var path) ? Path.GetFullPath(path) : MeshPaths.ServiceAssembly(service),
            Options.AddressOf(service),
            ServiceEnvironment.For(Options, service, Dashboard.IsRunning ? Options.DashboardOtlpAddress : null, extraEnvironment));

        var process = ServiceProcess.Start(spec, Options.Output);
        lock (gate)
        {
            running[service] = process;
        }

        Say($"started {info.Name} (pid {process.ProcessId}) on {spec.Address.GetLeftPart(UriPartial.Authority)} (gRPC), " +
            $"{Options.HttpAddressOf(service).GetLeftPart(UriPartial.Authority)} (HTTP)");
        return process;
    }

    private async Task StartDashboardAsync(CancellationToken cancellationToken)
    {
        try
        {
            var started = await MeshDashboard.StartAsync(Options, Options.Output, cancellationToken).ConfigureAwait(false);
            lock (gate)
            {
                dashboard = started;
            }

            Dashboard = DashboardStatus.Running(started.Address);
            Say($"started the dashboard (pid {started.ProcessId}) on {started.Address.GetLeftPart(UriPartial.Authority)}, " +
                $"OTLP on {started.OtlpAddress.GetLeftPart(UriPartial.Authority)}, in {started.StartTime.TotalSeconds:0.0} s");
        }
        catch (DashboardStartException exception)
        {
            Dashboard = DashboardStatus.NotRunning(exception.Message);
            Say($"the dashboard did not start: {exception.Message}. The mesh runs without it (--no-dashboard skips it).");
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        try
        {
            Demo = await DemoSeeder.SeedAsync(AddressOf(MeshService.Users), AddressOf(MeshService.Inventory), adminToken, cancellationToken).ConfigureAwait(false);
            Say($"demo data ready: user {Demo.User.UserId} ({Demo.User.Email}), {Demo.Items.Count} catalog items");
        }
        catch (DemoDataConflictException exception)
        {
            // The mesh itself is fine; the developer decides what to do with their data.
            SeedConflict = exception.Message;
            Say("ERROR " + exception.Message);
        }
    }

    private async Task<int> KillAsync(ServiceProcess process, CancellationToken cancellationToken)
    {
        process.Signal(StopSignal.Kill);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Options.StopTimeout);
        return await process.WaitForExitAsync(bounded.Token).ConfigureAwait(false);
    }

    private static void EnsurePortIsFree(MeshServiceInfo info, int port, string listener, string flag, string variable)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
        }
        catch (SocketException exception)
        {
            throw new MeshLaunchException(
                $"{info.Name}: {listener} port 127.0.0.1:{port} is taken ({exception.SocketErrorCode}); is a mesh already running? " +
                $"Pick another with {flag} or {variable}.",
                exception);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillAll();

    private void KillAll()
    {
        ServiceProcess[] processes;
        MeshDashboard? started;
        lock (gate)
        {
            processes = [.. running.Values];
            running.Clear();
            started = dashboard;
            dashboard = null;
        }

        foreach (var process in processes)
        {
            process.Dispose();
        }

        started?.Dispose();
    }

    private void Say(string message) => Options.Output(Prefix + message);
}
