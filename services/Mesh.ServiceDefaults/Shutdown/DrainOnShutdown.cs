using Mesh.ServiceDefaults.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Shutdown;

/// <summary>
/// On SIGTERM: readiness flips to NOT_SERVING at once, then after the drain delay the server
/// (stopped after this service, since hosted services stop in reverse order) stops accepting
/// calls and waits for those in flight.
/// </summary>
public sealed class DrainOnShutdown(
    IHostApplicationLifetime lifetime,
    HealthStatusBoard board,
    IOptions<MeshShutdownOptions> options,
    ILogger<DrainOnShutdown> logger) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(() =>
        {
            board.BeginDraining();
            logger.LogInformation("Shutting down: readiness is NOT_SERVING; draining for {DrainDelay}", options.Value.DrainDelay);
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _registration.DisposeAsync();
        board.BeginDraining();
        if (options.Value.DrainDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.Value.DrainDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
