using Mesh.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Feeds;

/// <summary>
/// Deletes events older than <see cref="FeedOptions.Retention"/> from every event log of the
/// service, except those a reader that must see every event has not read yet (<see cref="IPruneBound"/>).
/// </summary>
public sealed class EventLogPruner(
    IEnumerable<IEventLog> logs,
    IEnumerable<IPruneBound> bounds,
    IOptions<FeedOptions> options,
    TimeProvider time,
    ILogger<EventLogPruner> logger) : BackgroundService
{
    /// <summary>One pass over every log; returns how many events were deleted.</summary>
    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var deleted = 0;
        foreach (var log in logs)
        {
            var through = long.MaxValue;
            foreach (var bound in bounds.Where(bound => bound.LogName == log.Name))
            {
                through = Math.Min(through, await bound.ThroughAsync(cancellationToken));
            }

            var count = await log.PruneAsync(cutoff, through, cancellationToken);
            if (count > 0)
            {
                logger.LogInformation("Deleted {Count} events older than {Cutoff} from the {Log} log", count, cutoff, log.Name);
            }

            deleted += count;
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        try
        {
            do
            {
                try
                {
                    await PruneOnceAsync(stoppingToken);
                }
                catch (System.Data.Common.DbException exception)
                {
                    // Retention is housekeeping: a busy or failing database is retried next round.
                    logger.LogWarning(exception, "Pruning the event logs failed; retrying in {Interval}", options.Value.PruneInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }
}
