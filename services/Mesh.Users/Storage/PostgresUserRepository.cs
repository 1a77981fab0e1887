using Mesh.Storage.Postgres;
using Mesh.Users.Domain;
using Mesh.Users.Feeds;
using Mesh.Users.V1;
using Npgsql;

namespace Mesh.Users.Storage;

/// <summary>
/// The users table in PostgreSQL, shared by every replica. Writes run in READ COMMITTED
/// transactions, so unlike SQLite two replicas can decide at the same time; the same outcomes
/// still follow:
/// <list type="bullet">
/// <item>The UNIQUE indexes are the arbiter. An insert or update that collides with a row
/// another transaction is writing waits for it, and fails with a unique violation only once
/// that row is committed. The write then starts over in a fresh transaction, whose reads see
/// the winner, and answers as if it had come second: Replayed, RequestIdReused or EmailTaken.</item>
/// <item>Update and deactivate lock the user's row first (FOR UPDATE), so racing changes to one
/// user apply one after the other and each sees the other's result: a repeated change is
/// Unchanged and appends no event.</item>
/// <item>Creates take <see cref="CreateLockKey"/> before inserting, held to commit, so users'
/// sequences commit in order and a ListUsers page token never passes a user that commits later.</item>
/// <item>The feed event is appended with the commit, in its round trip (the log's append lock
/// serialises appenders only while the server inserts and commits).</item>
/// </list>
/// </summary>
public sealed class PostgresUserRepository(PostgresDatabase database, PostgresEventLog log) : IUserRepository
{
    /// <summary>The two-int advisory lock ("USER", 1) creates hold from insert to commit; no event log uses this class.</summary>
    public const int CreateLockClass = 0x5553_4552;

    /// <summary>The second key of the create lock.</summary>
    public const int CreateLockKey = 1;

    // A conflict means the winner has committed, so the next attempt sees it and decides; more
    // attempts are needed only if that row changed again in between, which is rarer still.
    private const int MaxAttempts = 5;

    private const string Columns = "user_id, email, display_name, state, create_time_ms, update_time_ms";

    /// <inheritdoc />
    public Task<UserWriteResult> CreateAsync(NewUser user, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(userId);

        return WriteAsync(async (connection, transaction) =>
        {
            var (previous, emailTaken) = await FindCreateConflictsAsync(connection, transaction, user, cancellationToken);
            if (previous is not null)
            {
                return string.Equals(previous.Value.Fingerprint, user.Fingerprint, StringComparison.Ordinal)
                    ? UserWriteResult.Of(UserWriteStatus.Replayed, previous.Value.User)
                    : UserWriteResult.Without(UserWriteStatus.RequestIdReused);
            }

            if (emailTaken)
            {
                return UserWriteResult.Without(UserWriteStatus.EmailTaken);
            }

            await using (var createLock = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, $2);", connection, transaction))
            {
                createLock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = CreateLockClass });
                createLock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = CreateLockKey });
                await createLock.ExecuteNonQueryAsync(cancellationToken);
            }

            var created = new UserRecord(userId, user.Email, user.DisplayName, UserStatus.Active, now, now);
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO users (user_id, email, email_key, display_name, state, create_time_ms, update_time_ms,
                                   create_request_id, create_request_hash)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);
                """, connection, transaction))
            {
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = created.UserId });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = created.Email });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.EmailKey });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = created.DisplayName });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = UserStateText.Of(created.Status) });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = created.CreateTime.ToUnixTimeMilliseconds() });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = created.UpdateTime.ToUnixTimeMilliseconds() });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.RequestId });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.Fingerprint });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            Append(transaction, UserEventType.UserCreated, created, now);
            return UserWriteResult.Of(UserWriteStatus.Created, created);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserWriteResult> UpdateAsync(UserChange change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);

        return WriteAsync(async (connection, transaction) =>
        {
            var current = await LockAsync(connection, transaction, change.UserId, cancellationToken);
            if (current is null)
            {
                return UserWriteResult.Without(UserWriteStatus.NotFound);
            }

            var updated = UserRules.Apply(current, change, now);
            if (updated == current)
            {
                return UserWriteResult.Of(UserWriteStatus.Unchanged, current);
            }

            var owner = await FindEmailOwnerAsync(connection, transaction, EmailAddress.Key(updated.Email), cancellationToken);
            if (owner is not null && !string.Equals(owner, current.UserId, StringComparison.Ordinal))
            {
                return UserWriteResult.Without(UserWriteStatus.EmailTaken);
            }

            await SaveAsync(connection, transaction, updated, cancellationToken);
            Append(transaction, UserEventType.UserUpdated, updated, now);
            return UserWriteResult.Of(UserWriteStatus.Updated, updated);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserWriteResult> DeactivateAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);

        return WriteAsync(async (connection, transaction) =>
        {
            var current = await LockAsync(connection, transaction, userId, cancellationToken);
            if (current is null)
            {
                return UserWriteResult.Without(UserWriteStatus.NotFound);
            }

            var deactivated = UserRules.Deactivate(current, now);
            if (deactivated == current)
            {
                return UserWriteResult.Of(UserWriteStatus.Unchanged, current);
            }

            await SaveAsync(connection, transaction, deactivated, cancellationToken);
            Append(transaction, UserEventType.UserDeactivated, deactivated, now);
            return UserWriteResult.Of(UserWriteStatus.Updated, deactivated);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);

        return database.ReadAsync(async connection =>
        {
            await using var select = new NpgsqlCommand($"SELECT {Columns} FROM users WHERE user_id = $1;", connection);
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, UserRecord>> GetManyAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);

        return database.ReadAsync<IReadOnlyDictionary<string, UserRecord>>(async connection =>
        {
            var found = new Dictionary<string, UserRecord>(StringComparer.Ordinal);
            if (userIds.Count == 0)
            {
                return found;
            }

            await using var select = new NpgsqlCommand($"SELECT {Columns} FROM users WHERE user_id = ANY($1);", connection);
            select.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. userIds] });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var user = ReadUser(reader);
                found[user.UserId] = user;
            }

            return found;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserPage> ListAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        return database.ReadAsync(async connection =>
        {
            // One row more than asked tells whether another page exists without a second query.
            await using var select = new NpgsqlCommand(
                $"SELECT sequence, {Columns} FROM users WHERE sequence > $1 ORDER BY sequence LIMIT $2;", connection);
            select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
            select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = limit + 1L });

            var users = new List<UserRecord>(limit);
            long lastSequence = 0;
            var more = false;
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (users.Count == limit)
                {
                    more = true;
                    break;
                }

                lastSequence = reader.GetInt64(0);
                users.Add(ReadUser(reader, offset: 1));
            }

            return new UserPage(users, more ? lastSequence : null);
        }, cancellationToken);
    }

    /// <summary>
    /// Runs one write decision in its own transaction; when a unique index refuses it (another
    /// replica won a race the reads could not see yet) or PostgreSQL breaks a deadlock, decides
    /// again in a fresh transaction, which sees the winner.
    /// </summary>
    private async Task<UserWriteResult> WriteAsync(
        Func<NpgsqlConnection, NpgsqlTransaction, Task<UserWriteResult>> decide, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await database.WriteAsync(decide, cancellationToken);
            }
            catch (PostgresException exception) when (attempt < MaxAttempts && IsLostRace(exception))
            {
                // The failed transaction rolled back with everything it wrote (its event too): decide again.
            }
        }
    }

    private static bool IsLostRace(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected;

    /// <summary>Reads the user and locks its row until the transaction ends; a waiter then reads the committed change.</summary>
    private static async Task<UserRecord?> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string userId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"SELECT {Columns} FROM users WHERE user_id = $1 FOR UPDATE;", connection, transaction);
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    /// <summary>
    /// The user created by this request id (with its fingerprint), and whether another user has
    /// the email. One statement, so one snapshot: separate reads could miss the winner of a race
    /// in the first and see it in the second, answering EmailTaken to what is really a retry.
    /// </summary>
    private static async Task<((UserRecord User, string Fingerprint)? Previous, bool EmailTaken)> FindCreateConflictsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, NewUser user, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"""
            SELECT {Columns}, create_request_hash, create_request_id = $1 FROM users
            WHERE create_request_id = $1 OR email_key = $2;
            """, connection, transaction);
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.RequestId });
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.EmailKey });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        (UserRecord User, string Fingerprint)? previous = null;
        var emailTaken = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetBoolean(7))
            {
                previous = (ReadUser(reader), reader.GetString(6));
            }
            else
            {
                emailTaken = true;
            }
        }

        return (previous, emailTaken);
    }

    /// <summary>The id of the user whose email has <paramref name="emailKey"/>, or null.</summary>
    private static async Task<string?> FindEmailOwnerAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string emailKey, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("SELECT user_id FROM users WHERE email_key = $1;", connection, transaction);
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = emailKey });
        return await select.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Writes every mutable column of <paramref name="user"/>.</summary>
    private static async Task SaveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, UserRecord user, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE users SET email = $2, email_key = $3, display_name = $4, state = $5, update_time_ms = $6
            WHERE user_id = $1;
            """, connection, transaction);
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.UserId });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.Email });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmailAddress.Key(user.Email) });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.DisplayName });
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = UserStateText.Of(user.Status) });
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = user.UpdateTime.ToUnixTimeMilliseconds() });
        var rows = await update.ExecuteNonQueryAsync(cancellationToken);
        if (rows != 1)
        {
            throw new InvalidOperationException($"Saving user {user.UserId} changed {rows} rows instead of 1.");
        }
    }

    // Sent with the COMMIT, so the log's append lock is held for no round trip; the sequence is not needed.
    private void Append(NpgsqlTransaction transaction, UserEventType type, UserRecord user, DateTimeOffset now) =>
        _ = log.AppendAtCommit(transaction, UserFeed.KeyOf(user), UserFeed.EventOf(type, user, now), now);

    private static UserRecord ReadUser(NpgsqlDataReader reader, int offset = 0) => new(
        UserId: reader.GetString(offset),
        Email: reader.GetString(offset + 1),
        DisplayName: reader.GetString(offset + 2),
        Status: UserStateText.Parse(reader.GetString(offset + 3)),
        CreateTime: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(offset + 4)),
        UpdateTime: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(offset + 5)));
}
