using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.ServiceDefaults.Feeds;

/// <summary>
/// Follows another service's feed for as long as the process runs: <see cref="FollowAsync"/>
/// connects and applies events until the stream ends; any failure (upstream down, stream cut,
/// server draining) is retried with capped exponential backoff and jitter, resuming from the
/// stored cursor. The service keeps serving meanwhile: readiness never depends on a consumer.
/// </summary>
public abstract class FeedConsumer(string name, FeedConsumerMetrics metrics, ILogger logger) : BackgroundService
{
    private readonly RetryBackoff _backoff = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
    private volatile bool _caughtUp;

    /// <summary>The consumer's name: its cursor key and its lag metric's tag.</summary>
    public string Name { get; } = name;

    /// <summary>True while connected and, at the last heartbeat, level with the feed's head.</summary>
    public bool IsCaughtUp => _caughtUp;

    /// <summary>Connects, catches up and follows until the stream ends or fails.</summary>
    protected abstract Task FollowAsync(CancellationToken cancellationToken);

    /// <summary>Called by <see cref="FollowAsync"/> after it applied events or saw a heartbeat.</summary>
    protected void ReportPosition(long applied, long head, bool caughtUp)
    {
        metrics.Report(Name, applied, head);
        _caughtUp = caughtUp;
        _backoff.Reset();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            _caughtUp = false; // a stopped consumer is never caught up
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(stoppingToken);
                logger.LogInformation("Feed consumer {Consumer}: the stream ended; reconnecting", Name);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RpcException exception)
            {
                logger.LogWarning("Feed consumer {Consumer}: {StatusCode} {Detail}; retrying", Name, exception.StatusCode, exception.Status.Detail);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Feed consumer {Consumer} failed; retrying", Name);
            }

            _caughtUp = false;
            try
            {
                await Task.Delay(_backoff.Next(), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
