using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Mesh.Users.Feeds;

namespace Mesh.Users.Storage;

/// <summary>
/// GetUser's reads from memory on SQLite (<see cref="ReadView{TValue}"/>): a user's entry is
/// invalidated by every users event about it (its own writes) and by every order statistics batch
/// that counts one of its orders (<see cref="OrderStatsStore"/>).
/// </summary>
/// <remarks>
/// An entry's <see cref="Domain.UserOrderStats.ThroughSequence"/> is the consumer's cursor when it
/// was loaded; batches that count nothing of the user move the cursor on without touching the
/// entry. The store publishes each new cursor after it has invalidated the batch's users, and a read
/// takes the published cursor before the entry, so it reports the later of the two: the entry
/// holds every event of the user up to that cursor.
/// </remarks>
public sealed class UserDetailsView(ReadViews views)
{
    private readonly ReadView<UserDetails> _view = views.Create<UserDetails>("users", UserFeed.LogName);
    private long _through;

    /// <summary>The user and its statistics, or null when there is no such user.</summary>
    public async ValueTask<UserDetails?> GetAsync(string userId, UserStore users, OrderStatsStore orderStats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(orderStats);
        var through = Volatile.Read(ref _through);
        var details = await _view.GetAsync(userId, (users, orderStats), static async (id, stores, token) =>
        {
            var user = await stores.users.GetAsync(id, token);
            return user is null ? null : new UserDetails(user, await stores.orderStats.GetAsync(id, token));
        }, cancellationToken);
        return details is null || details.OrderStats.ThroughSequence >= through
            ? details
            : details with { OrderStats = details.OrderStats with { ThroughSequence = through } };
    }

    /// <summary>Forgets the entries of <paramref name="userIds"/>; call it after a statistics write ends, before <see cref="Publish"/>.</summary>
    public void Invalidate(IEnumerable<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        foreach (var userId in userIds)
        {
            _view.Invalidate(userId);
        }
    }

    /// <summary>Reports that the statistics include every order event through <paramref name="cursor"/>.</summary>
    public void Publish(long cursor)
    {
        var current = Volatile.Read(ref _through);
        while (cursor > current)
        {
            var seen = Interlocked.CompareExchange(ref _through, cursor, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
