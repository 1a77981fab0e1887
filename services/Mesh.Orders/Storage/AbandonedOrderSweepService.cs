using Mesh.Orders.Domain;
using Microsoft.Extensions.Options;

namespace Mesh.Orders.Storage;

/// <summary>
/// Runs <see cref="AbandonedOrderSweeper"/> every <see cref="OrdersOptions.SweepInterval"/>: the
/// hosting half of the sweep, kept out of Domain beside the store whose stale PENDING rows it works off.
/// </summary>
public sealed class AbandonedOrderSweepService(
    IServiceScopeFactory scopes,
    IOptions<OrdersOptions> options,
    TimeProvider time,
    ILogger<AbandonedOrderSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var settled = await scope.ServiceProvider.GetRequiredService<AbandonedOrderSweeper>().SweepOnceAsync(stoppingToken);
            if (settled > 0)
            {
                logger.LogInformation("Settled {Count} abandoned order(s)", settled);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // One failed sweep (storage busy, say) must not stop the next one.
            logger.LogError(exception, "Sweeping abandoned orders failed; trying again in {Interval}", options.Value.SweepInterval);
        }
    }
}
