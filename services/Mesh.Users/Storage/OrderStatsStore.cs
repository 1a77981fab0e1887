using Mesh.Storage;
using Mesh.Users.Domain;

namespace Mesh.Users.Storage;

/// <summary>
/// The per-user order statistics and the cursor of the consumer that keeps them. Every batch of
/// changes and the cursor move commit in one transaction, and changes at or below the stored
/// cursor are passed over: an event delivered again (after a reconnect, a crash, or to another
/// replica running the same consumer) is never counted twice, and one whose batch did not
/// commit is delivered again. Replicas applying overlapping batches take turns on the cursor row
/// (<see cref="ConsumerCursors.LockAsync"/>), and each skips what the previous one counted.
/// </summary>
public sealed class OrderStatsStore(StoreDatabase database, UserDetailsView view)
{
    /// <summary>The consumer's name: its row in consumer_cursors and its lag metric's tag.</summary>
    public const string CursorName = "orders-events";

    private const string CountsSql = "SELECT orders_placed, orders_cancelled, orders_rejected FROM user_order_stats WHERE user_id = @userId;";

    // Built once: the text is fixed per provider, and GetUser reads it on every call.
    private readonly string _spendSql =
        $"SELECT currency_code, amount_minor FROM user_order_spend WHERE user_id = @userId ORDER BY currency_code {database.Dialect.OrdinalCollation};";

    /// <summary>
    /// Applies the changes not applied yet, in order, and moves the cursor past them, all in one
    /// transaction. Returns the cursor afterwards.
    /// </summary>
    public Task<long> ApplyAsync(IReadOnlyList<OrderStatsChange> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);

        return WriteAsync(changes.Select(change => change.UserId), cursor => cursor, async session =>
        {
            var cursor = await ConsumerCursors.LockAsync(session, CursorName, now);
            foreach (var change in changes)
            {
                if (change.Sequence <= cursor)
                {
                    continue; // applied before: a replay, or another replica got here first
                }

                if (!change.IsEmpty)
                {
                    await CountAsync(session, change);
                }

                cursor = change.Sequence;
            }

            await ConsumerCursors.SetAsync(session, CursorName, cursor, now);
            return cursor;
        }, cancellationToken);
    }

    /// <summary>
    /// Applies the changes whose message ids <paramref name="consumer"/>'s inbox has not recorded,
    /// records those ids, and moves the cursor to the highest sequence applied, all in one
    /// transaction (the broker transport: deliveries are deduplicated by id, not by position).
    /// Returns how many changes were new.
    /// </summary>
    public async Task<int> ApplyOnceAsync(
        string consumer, IReadOnlyList<(string MessageId, OrderStatsChange Change)> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);

        var (applied, _) = await WriteAsync(changes.Select(pair => pair.Change.UserId), result => result.Highest, async session =>
        {
            var applied = 0;
            var highest = 0L;
            foreach (var (messageId, change) in changes)
            {
                if (!await MessageInbox.TryRecordAsync(session, consumer, messageId, now))
                {
                    continue; // delivered before and committed: a redelivery or a republish
                }

                if (!change.IsEmpty)
                {
                    await CountAsync(session, change);
                }

                applied++;
                highest = Math.Max(highest, change.Sequence);
            }

            if (applied > 0)
            {
                await ConsumerCursors.SetAsync(session, CursorName, highest, now);
            }

            return (Applied: applied, Highest: highest);
        }, cancellationToken);
        return applied;
    }

    /// <summary>Forgets inbox ids recorded before <paramref name="cutoff"/>.</summary>
    public Task PruneInboxAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        database.WriteAsync(session => MessageInbox.PruneAsync(session, cutoff), cancellationToken);

    /// <summary>
    /// Moves the cursor to <paramref name="sequence"/> without counting anything — for events
    /// the upstream deleted before they were read. Returns the cursor afterwards (it never moves back).
    /// </summary>
    public Task<long> SkipToAsync(long sequence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);

        return WriteAsync([], cursor => cursor, async session =>
        {
            var cursor = await ConsumerCursors.LockAsync(session, CursorName, now);
            await ConsumerCursors.SetAsync(session, CursorName, sequence, now);
            return Math.Max(cursor, sequence);
        }, cancellationToken);
    }

    /// <summary>The statistics of <paramref name="userId"/> (zeroes when none), read in one snapshot with the cursor.</summary>
    public Task<UserOrderStats> GetAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);

        // Hand-bound: every GetUser reads these three, and through Dapper they cost more than the user row itself.
        return database.ReadAsync(async session =>
        {
            long placed = 0, cancelled = 0, rejected = 0;
            await using (var counts = session.Command(CountsSql, ("userId", userId)))
            await using (var reader = await counts.ExecuteReaderAsync(session.CancellationToken))
            {
                if (await reader.ReadAsync(session.CancellationToken))
                {
                    (placed, cancelled, rejected) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                }
            }

            var spend = new List<CurrencyAmount>();
            await using (var amounts = session.Command(_spendSql, ("userId", userId)))
            await using (var reader = await amounts.ExecuteReaderAsync(session.CancellationToken))
            {
                while (await reader.ReadAsync(session.CancellationToken))
                {
                    spend.Add(new CurrencyAmount(reader.GetString(0), reader.GetInt64(1)));
                }
            }

            var through = await ConsumerCursors.GetAsync(session, CursorName);
            return new UserOrderStats(placed, cancelled, rejected, spend, through);
        }, cancellationToken, snapshot: true);
    }

    /// <summary>
    /// A statistics write: when its transaction ends (committed or not) GetUser's view forgets the
    /// users it counted for, and once it has committed the view learns the cursor it reached.
    /// </summary>
    private async Task<T> WriteAsync<T>(
        IEnumerable<string> userIds, Func<T, long> cursorOf, Func<StoreSession, Task<T>> write, CancellationToken cancellationToken)
    {
        T result;
        try
        {
            result = await database.WriteAsync(write, cancellationToken);
        }
        finally
        {
            view.Invalidate(userIds);
        }

        view.Publish(cursorOf(result));
        return result;
    }

    private static async Task CountAsync(StoreSession session, OrderStatsChange change)
    {
        await session.ExecuteAsync("""
            INSERT INTO user_order_stats (user_id, orders_placed, orders_cancelled, orders_rejected)
            VALUES (@UserId, @Placed, @Cancelled, @Rejected)
            ON CONFLICT (user_id) DO UPDATE SET
                orders_placed = user_order_stats.orders_placed + excluded.orders_placed,
                orders_cancelled = user_order_stats.orders_cancelled + excluded.orders_cancelled,
                orders_rejected = user_order_stats.orders_rejected + excluded.orders_rejected;
            """, new { change.UserId, change.Placed, change.Cancelled, change.Rejected });

        if (change.Spend is not { } spend)
        {
            return;
        }

        await session.ExecuteAsync("""
            INSERT INTO user_order_spend (user_id, currency_code, amount_minor) VALUES (@UserId, @CurrencyCode, @AmountMinor)
            ON CONFLICT (user_id, currency_code) DO UPDATE SET amount_minor = user_order_spend.amount_minor + excluded.amount_minor;
            """, new { change.UserId, spend.CurrencyCode, spend.AmountMinor });
    }

}
