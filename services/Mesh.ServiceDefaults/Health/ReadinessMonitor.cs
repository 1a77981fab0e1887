using Mesh.ServiceDefaults.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Health;

/// <summary>
/// Registers each mapped gRPC service name with the health board and runs the readiness
/// checks as soon as the host has started (after migrations), then every <see cref="MeshHealthOptions.CheckInterval"/>.
/// </summary>
public sealed class ReadinessMonitor(
    IEnumerable<IReadinessCheck> checks,
    HealthStatusBoard board,
    EndpointDataSource endpoints,
    IOptions<MeshHealthOptions> options,
    ILogger<ReadinessMonitor> logger) : BackgroundService, IHostedLifecycleService
{
    private bool? _lastPassing;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Runs once the host has started: migrations are done and the endpoints are built (the
    // request pipeline, and with it the gRPC endpoints, is assembled as the server starts).
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var name in MeshReflection.MappedServiceNames(endpoints).Where(IsApplicationService))
        {
            board.AddService(name);
        }

        return CheckOnceAsync(cancellationToken);
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }

    private static bool IsApplicationService(string name) =>
        !name.StartsWith("grpc.", StringComparison.Ordinal);

    private async Task CheckOnceAsync(CancellationToken cancellationToken)
    {
        var passing = true;
        foreach (var check in checks)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.CheckTimeout);
            bool ready;
            try
            {
                ready = await check.IsReadyAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                ready = false;
            }

            if (!ready)
            {
                passing = false;
                if (_lastPassing != false)
                {
                    logger.LogWarning("Readiness check {Check} failed; reporting NOT_SERVING", check.Name);
                }
            }
        }

        if (passing && _lastPassing == false)
        {
            logger.LogInformation("Readiness checks pass again; reporting SERVING");
        }

        _lastPassing = passing;
        board.SetChecksPassing(passing);
    }
}
