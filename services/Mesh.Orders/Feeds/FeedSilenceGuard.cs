using Grpc.Core;

namespace Mesh.Orders.Feeds;

/// <summary>
/// Ends a feed stream that has gone silent for longer than a healthy one ever is: a feed sends
/// at least a heartbeat every interval, so after <c>limit</c> without a message the connection
/// is presumed dead (a half-open TCP connection shows no error) and the stream fails with
/// UNAVAILABLE, for the consumer to reconnect and resume.
/// </summary>
public sealed class FeedSilenceGuard : IDisposable
{
    private readonly CancellationTokenSource _silence;
    private readonly CancellationToken _stopping;
    private readonly TimeSpan _limit;

    public FeedSilenceGuard(TimeSpan limit, CancellationToken stopping)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero);
        _limit = limit;
        _stopping = stopping;
        _silence = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>Cancels the call when the consumer stops or the stream falls silent; give it to the call.</summary>
    public CancellationToken Token => _silence.Token;

    /// <summary>The next message, waiting at most the silence limit for it.</summary>
    public async Task<bool> MoveNextAsync<T>(IAsyncStreamReader<T> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _silence.CancelAfter(_limit);
        try
        {
            return await stream.MoveNext(_silence.Token);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled
            && _silence.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"the feed sent nothing, not even a heartbeat, for {_limit.TotalSeconds:0.#} s; presumed dead", exception));
        }
        finally
        {
            // Only waiting counts as silence; time the consumer spends applying what came does not.
            _silence.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _silence.Dispose();
}
