using Grpc.Core;
using Grpc.Net.ClientFactory;
using Mesh.Orders.Domain;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Mesh.Users.V1;
using Microsoft.Extensions.Options;

namespace Mesh.Orders.Feeds;

/// <summary>
/// The users orders has asked about, kept in memory (<see cref="ReadView{TValue}"/>, view
/// "order-users") and kept current by following WatchUsers from its head: every users event
/// forgets its user, so the next order of that user asks users again. Only while the stream is
/// open and was level with users' head at its last heartbeat (<see cref="IsLive"/>) does the view
/// answer; whenever the stream ends it forgets everything, since changes may pass unseen until it
/// is back. No cursor is stored: a view that starts empty needs no past events.
/// </summary>
/// <remarks>
/// What it trades: a deactivation reaches orders with the feed's lag (milliseconds), so an order
/// placed within that time after it is still accepted, as one checked just before it always was.
/// </remarks>
public sealed class UserDirectory(
    GrpcClientFactory clients,
    ReadViews views,
    IOptions<OrdersOptions> orders,
    IOptions<FeedOptions> options,
    FeedConsumerMetrics metrics,
    ILogger<UserDirectory> logger) : FeedConsumer(ConsumerName, metrics, logger)
{
    /// <summary>The consumer's name: its lag metric's tag.</summary>
    public const string ConsumerName = "users-directory";

    private readonly ReadView<User> _users = views.CreateForFeed<User>("order-users", orders.Value.UserCacheCapacity);
    private volatile bool _streaming;
    private long _head;

    /// <summary>True while the stream is open and was level with users' head at its last heartbeat.</summary>
    public bool IsLive => _streaming && IsCaughtUp && _users.Capacity > 0;

    /// <summary>
    /// <paramref name="userId"/>'s user from memory, or from <paramref name="load"/> (null: no such
    /// user), kept while the feed stays live. Check <see cref="IsLive"/> first.
    /// </summary>
    public ValueTask<User?> FindAsync<TState>(
        string userId, TState state, Func<string, TState, CancellationToken, Task<User?>> load, CancellationToken cancellationToken) =>
        _users.GetAsync(userId, state, load, cancellationToken);

    /// <summary><paramref name="userId"/>'s user if the directory is live and holds it; no call is made.</summary>
    public bool TryFind(string userId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out User? user)
    {
        user = null;
        return IsLive && _users.TryPeek(userId, out user);
    }

    protected override async Task FollowAsync(CancellationToken cancellationToken)
    {
        var users = clients.CreateClient<UserService.UserServiceClient>(nameof(UserService.UserServiceClient));
        using var silence = new FeedSilenceGuard(options.Value.HeartbeatInterval * 3, cancellationToken);
        _users.InvalidateAll();
        try
        {
            using var call = users.WatchUsers(new WatchUsersRequest { StartAtHead = true }, cancellationToken: silence.Token);
            _streaming = true;
            while (await silence.MoveNextAsync(call.ResponseStream))
            {
                var message = call.ResponseStream.Current;
                switch (message.KindCase)
                {
                    case WatchUsersResponse.KindOneofCase.Event:
                        var user = message.Event.User ?? throw new InvalidOperationException($"users event {message.Event.Sequence} carries no user");
                        _users.Invalidate(user.UserId);
                        ReportPosition(message.Event.Sequence, Math.Max(_head, message.Event.Sequence), IsCaughtUp);
                        break;
                    case WatchUsersResponse.KindOneofCase.Heartbeat:
                        _head = message.Heartbeat.HeadSequence;
                        ReportPosition(_head, _head, caughtUp: true);
                        break;
                    default:
                        logger.LogDebug("Ignoring a WatchUsers message of unknown kind {Kind}", message.KindCase);
                        break;
                }
            }
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("the users directory is stopping", exception, cancellationToken);
        }
        finally
        {
            // Changes may now pass unseen: answer nothing from memory until the stream is back and level.
            _streaming = false;
            _users.InvalidateAll();
        }
    }
}
