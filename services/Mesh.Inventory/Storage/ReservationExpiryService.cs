using System.Data.Common;
using Microsoft.Extensions.Options;

namespace Mesh.Inventory.Storage;

/// <summary>
/// Expires HELD reservations whose TTL has run out and returns their stock, every
/// <see cref="InventoryOptions.ExpirySweepInterval"/>, so a caller that crashed between
/// ReserveStock and Commit/Release never locks stock for longer than the TTL. Every replica
/// runs it; the store makes each hold expire exactly once however many sweep at once.
/// </summary>
public sealed class ReservationExpiryService(
    ReservationStore reservations,
    TimeProvider time,
    IOptions<InventoryOptions> options,
    ReservationMetrics metrics,
    ILogger<ReservationExpiryService> logger) : BackgroundService
{
    // Bounds how long one sweep transaction holds its locks; a backlog drains batch by batch.
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ExpirySweepInterval;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown; the next process picks up where this one stopped.
        }
    }

    private async Task SweepAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            IReadOnlyList<string> expired;
            do
            {
                expired = await reservations.ExpireDueReservationsAsync(BatchSize, stoppingToken);
                metrics.Expired(expired.Count);
                foreach (var reservationId in expired)
                {
                    logger.LogInformation("Reservation {ReservationId} expired; its held stock is available again", reservationId);
                }
            }
            while (expired.Count == BatchSize && !stoppingToken.IsCancellationRequested);
        }
        catch (DbException exception)
        {
            // Storage trouble is reported by readiness; keep the service alive and try again next tick.
            logger.LogWarning(exception, "Reservation expiry sweep failed; retrying in {Interval}", interval);
        }
    }
}
