using Mesh.Storage;
using Mesh.Users.Domain;
using Mesh.Users.Feeds;
using Mesh.Users.V1;

namespace Mesh.Users.Storage;

/// <summary>
/// Every read and write of users, on either provider. Each write decides and applies its change
/// in one transaction, so racing requests (in one process or on several replicas) get the outcomes
/// they would one after the other: one user per request id, one user per email (case-insensitively).
/// A write that changes a user appends exactly one event to the users feed in that transaction;
/// one that changes nothing (a replay, a no-op, a refusal) appends none.
/// </summary>
/// <remarks>
/// On PostgreSQL replicas decide concurrently (READ COMMITTED), and the same outcomes still follow:
/// the UNIQUE indexes are the arbiter — a colliding insert or update fails once the winner has
/// committed, and <see cref="StoreDatabase.WriteAsync{T}"/> decides again in a fresh transaction
/// that sees it; update and deactivate lock the user's row first, so racing changes to one user
/// apply one after the other; creates hold <see cref="CreateLockClass"/> from insert to commit, so
/// users' sequences commit in order and a ListUsers page token never passes a user that commits later.
/// </remarks>
public sealed class UserStore(StoreDatabase database, IEventLog log)
{
    /// <summary>The two-int advisory lock ("USER", 1) creates hold from insert to commit; no event log uses this class.</summary>
    public const int CreateLockClass = 0x5553_4552;

    /// <summary>The second key of the create lock.</summary>
    public const int CreateLockKey = 1;

    private const string Columns = "user_id, email, display_name, state, create_time_ms, update_time_ms";
    private const string GetSql = $"SELECT {Columns} FROM users WHERE user_id = @userId;";

    /// <summary>Creates the user unless the request id was seen before (replay or reuse), or the email or the id is taken.</summary>
    public Task<UserWriteResult> CreateAsync(NewUser user, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(userId);

        return database.WriteAsync(async session =>
        {
            // One statement, so one snapshot: separate reads could miss the winner of a race in the
            // first and see it in the second, answering EmailTaken to what is really a retry.
            var conflicts = await session.QueryAsync<CreateConflictRow>($"""
                SELECT {Columns}, create_request_hash, create_request_id = @RequestId AS same_request FROM users
                WHERE create_request_id = @RequestId OR email_key = @EmailKey OR user_id = @userId;
                """, new { user.RequestId, user.EmailKey, userId });
            var previous = conflicts.FirstOrDefault(row => row.SameRequest);
            if (previous is not null)
            {
                return string.Equals(previous.CreateRequestHash, user.Fingerprint, StringComparison.Ordinal)
                    ? UserWriteResult.Of(UserWriteStatus.Replayed, previous.ToRecord())
                    : UserWriteResult.Without(UserWriteStatus.RequestIdReused);
            }

            if (conflicts.Any(row => row.UserId == userId))
            {
                return UserWriteResult.Without(UserWriteStatus.IdTaken);
            }

            if (conflicts.Any())
            {
                return UserWriteResult.Without(UserWriteStatus.EmailTaken);
            }

            await session.Dialect.LockAsync(session, CreateLockClass, CreateLockKey);
            var created = new UserRecord(userId, user.Email, user.DisplayName, UserStatus.Active, now, now);
            await session.ExecuteAsync("""
                INSERT INTO users (user_id, email, email_key, display_name, state, create_time_ms, update_time_ms,
                                   create_request_id, create_request_hash)
                VALUES (@UserId, @Email, @EmailKey, @DisplayName, @State, @CreateTimeMs, @UpdateTimeMs, @RequestId, @RequestHash);
                """, new
            {
                created.UserId,
                created.Email,
                user.EmailKey,
                created.DisplayName,
                State = UserStateText.Of(created.Status),
                CreateTimeMs = created.CreateTime.ToUnixTimeMilliseconds(),
                UpdateTimeMs = created.UpdateTime.ToUnixTimeMilliseconds(),
                user.RequestId,
                RequestHash = user.Fingerprint,
            });
            await AppendAsync(session, UserEventType.UserCreated, created, now);
            return UserWriteResult.Of(UserWriteStatus.Created, created);
        }, cancellationToken);
    }

    /// <summary>Applies <paramref name="change"/> unless the user is unknown or the new email belongs to another user.</summary>
    public Task<UserWriteResult> UpdateAsync(UserChange change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);

        return database.WriteAsync(async session =>
        {
            var current = await LockAsync(session, change.UserId);
            if (current is null)
            {
                return UserWriteResult.Without(UserWriteStatus.NotFound);
            }

            var updated = UserRules.Apply(current, change, now);
            if (updated == current)
            {
                return UserWriteResult.Of(UserWriteStatus.Unchanged, current);
            }

            var owner = await session.ExecuteScalarAsync<string>(
                "SELECT user_id FROM users WHERE email_key = @emailKey;", new { emailKey = EmailAddress.Key(updated.Email) });
            if (owner is not null && !string.Equals(owner, current.UserId, StringComparison.Ordinal))
            {
                return UserWriteResult.Without(UserWriteStatus.EmailTaken);
            }

            await SaveAsync(session, updated);
            await AppendAsync(session, UserEventType.UserUpdated, updated, now);
            return UserWriteResult.Of(UserWriteStatus.Updated, updated);
        }, cancellationToken);
    }

    /// <summary>Deactivates the user; an already deactivated user is left as it is.</summary>
    public Task<UserWriteResult> DeactivateAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);

        return database.WriteAsync(async session =>
        {
            var current = await LockAsync(session, userId);
            if (current is null)
            {
                return UserWriteResult.Without(UserWriteStatus.NotFound);
            }

            var deactivated = UserRules.Deactivate(current, now);
            if (deactivated == current)
            {
                return UserWriteResult.Of(UserWriteStatus.Unchanged, current);
            }

            await SaveAsync(session, deactivated);
            await AppendAsync(session, UserEventType.UserDeactivated, deactivated, now);
            return UserWriteResult.Of(UserWriteStatus.Updated, deactivated);
        }, cancellationToken);
    }

    public Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);

        // Hand-bound: GetUser is the hottest read, and through Dapper it cost about 0.06 ms more CPU per call (0.103 → 0.167 ms).
        return database.ReadAsync(async session =>
        {
            await using var select = session.Command(GetSql, ("userId", userId));
            await using var reader = await select.ExecuteReaderAsync(session.CancellationToken);
            return await reader.ReadAsync(session.CancellationToken)
                ? new UserRecord(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    UserStateText.Parse(reader.GetString(3)),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)))
                : null;
        }, cancellationToken);
    }

    /// <summary>The users among <paramref name="userIds"/> that exist, keyed by id.</summary>
    public Task<IReadOnlyDictionary<string, UserRecord>> GetManyAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        if (userIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, UserRecord>>(new Dictionary<string, UserRecord>(StringComparer.Ordinal));
        }

        return database.ReadAsync<IReadOnlyDictionary<string, UserRecord>>(async session =>
        {
            var rows = await session.QueryAsync<UserRow>(
                $"SELECT {Columns} FROM users WHERE {session.Dialect.InList("user_id", "userIds")};", new { userIds });
            return rows.Select(row => row.ToRecord()).ToDictionary(user => user.UserId, StringComparer.Ordinal);
        }, cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> users created after <paramref name="afterSequence"/>, oldest first.</summary>
    public Task<UserPage> ListAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        return database.ReadAsync(async session =>
        {
            // One row more than asked tells whether another page exists without a second query.
            var rows = (await session.QueryAsync<PagedUserRow>(
                $"SELECT sequence, {Columns} FROM users WHERE sequence > @afterSequence ORDER BY sequence LIMIT @take;",
                new { afterSequence, take = limit + 1 })).ToList();
            var page = rows.Take(limit).ToList();
            return new UserPage([.. page.Select(row => row.ToRecord())], rows.Count > limit ? page[^1].Sequence : null);
        }, cancellationToken);
    }

    /// <summary>Reads the user and, on PostgreSQL, locks its row until the transaction ends; a waiter then reads the committed change.</summary>
    private static async Task<UserRecord?> LockAsync(StoreSession session, string userId) =>
        (await session.QuerySingleOrDefaultAsync<UserRow>(
            $"SELECT {Columns} FROM users WHERE user_id = @userId {session.Dialect.ForUpdate};", new { userId }))?.ToRecord();

    /// <summary>Writes every mutable column of <paramref name="user"/>.</summary>
    private static async Task SaveAsync(StoreSession session, UserRecord user)
    {
        var rows = await session.ExecuteAsync("""
            UPDATE users
            SET email = @Email, email_key = @EmailKey, display_name = @DisplayName, state = @State, update_time_ms = @UpdateTimeMs
            WHERE user_id = @UserId;
            """, new
        {
            user.UserId,
            user.Email,
            EmailKey = EmailAddress.Key(user.Email),
            user.DisplayName,
            State = UserStateText.Of(user.Status),
            UpdateTimeMs = user.UpdateTime.ToUnixTimeMilliseconds(),
        });
        if (rows != 1)
        {
            throw new InvalidOperationException($"Saving user {user.UserId} changed {rows} rows instead of 1.");
        }
    }

    private Task AppendAsync(StoreSession session, UserEventType type, UserRecord user, DateTimeOffset now) =>
        session.AppendAsync(log, UserFeed.KeyOf(user), UserFeed.EventOf(type, user, now), now);

    private class UserRow
    {
        public string UserId { get; set; } = "";

        public string Email { get; set; } = "";

        public string DisplayName { get; set; } = "";

        public string State { get; set; } = "";

        public long CreateTimeMs { get; set; }

        public long UpdateTimeMs { get; set; }

        public UserRecord ToRecord() => new(
            UserId,
            Email,
            DisplayName,
            UserStateText.Parse(State),
            DateTimeOffset.FromUnixTimeMilliseconds(CreateTimeMs),
            DateTimeOffset.FromUnixTimeMilliseconds(UpdateTimeMs));
    }

    private sealed class PagedUserRow : UserRow
    {
        public long Sequence { get; set; }
    }

    private sealed class CreateConflictRow : UserRow
    {
        public string CreateRequestHash { get; set; } = "";

        public bool SameRequest { get; set; }
    }
}
