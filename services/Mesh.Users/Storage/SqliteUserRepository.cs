using System.Globalization;
using Mesh.Storage.Sqlite;
using Mesh.Users.Domain;
using Mesh.Users.Feeds;
using Mesh.Users.V1;
using Microsoft.Data.Sqlite;

namespace Mesh.Users.Storage;

/// <summary>
/// The users table in SQLite (one process). Each write decides and applies its change inside
/// one IMMEDIATE transaction, so racing requests see each other's effects and the UNIQUE
/// indexes (user_id, email_key, create_request_id) hold whatever happens. A write that changes
/// a user appends its event to the users feed in that same transaction; one that changes
/// nothing (a replay, a no-op update, a refusal) appends none.
/// </summary>
public sealed class SqliteUserRepository(SqliteDatabase database, SqliteEventLog log) : IUserRepository
{
    private const string Columns = "user_id, email, display_name, state, create_time_ms, update_time_ms";

    /// <inheritdoc />
    public Task<UserWriteResult> CreateAsync(NewUser user, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(userId);

        return database.WriteAsync(async (connection, transaction) =>
        {
            var previous = await FindByRequestIdAsync(connection, transaction, user.RequestId);
            if (previous is not null)
            {
                return string.Equals(previous.Value.Fingerprint, user.Fingerprint, StringComparison.Ordinal)
                    ? UserWriteResult.Of(UserWriteStatus.Replayed, previous.Value.User)
                    : UserWriteResult.Without(UserWriteStatus.RequestIdReused);
            }

            if (await FindEmailOwnerAsync(connection, transaction, user.EmailKey) is not null)
            {
                return UserWriteResult.Without(UserWriteStatus.EmailTaken);
            }

            var created = new UserRecord(userId, user.Email, user.DisplayName, UserStatus.Active, now, now);
            await using var insert = Command(connection, transaction, """
                INSERT INTO users (user_id, email, email_key, display_name, state, create_time_ms, update_time_ms,
                                   create_request_id, create_request_hash)
                VALUES ($user_id, $email, $email_key, $display_name, $state, $create_time_ms, $update_time_ms,
                        $request_id, $request_hash);
                """);
            insert.Parameters.AddWithValue("$user_id", created.UserId);
            insert.Parameters.AddWithValue("$email", created.Email);
            insert.Parameters.AddWithValue("$email_key", user.EmailKey);
            insert.Parameters.AddWithValue("$display_name", created.DisplayName);
            insert.Parameters.AddWithValue("$state", UserStateText.Of(created.Status));
            insert.Parameters.AddWithValue("$create_time_ms", created.CreateTime.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$update_time_ms", created.UpdateTime.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$request_id", user.RequestId);
            insert.Parameters.AddWithValue("$request_hash", user.Fingerprint);
            await insert.ExecuteNonQueryAsync();
            await AppendAsync(connection, transaction, UserEventType.UserCreated, created, now);
            return UserWriteResult.Of(UserWriteStatus.Created, created);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserWriteResult> UpdateAsync(UserChange change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);

        return database.WriteAsync(async (connection, transaction) =>
        {
            var current = await FindAsync(connection, transaction, change.UserId);
            if (current is null)
            {
                return UserWriteResult.Without(UserWriteStatus.NotFound);
            }

            var updated = UserRules.Apply(current, change, now);
            if (updated == current)
            {
                return UserWriteResult.Of(UserWriteStatus.Unchanged, current);
            }

            var owner = await FindEmailOwnerAsync(connection, transaction, EmailAddress.Key(updated.Email));
            if (owner is not null && !string.Equals(owner, current.UserId, StringComparison.Ordinal))
            {
                return UserWriteResult.Without(UserWriteStatus.EmailTaken);
            }

            await SaveAsync(connection, transaction, updated);
            await AppendAsync(connection, transaction, UserEventType.UserUpdated, updated, now);
            return UserWriteResult.Of(UserWriteStatus.Updated, updated);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserWriteResult> DeactivateAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);

        return database.WriteAsync(async (connection, transaction) =>
        {
            var current = await FindAsync(connection, transaction, userId);
            if (current is null)
            {
                return UserWriteResult.Without(UserWriteStatus.NotFound);
            }

            var deactivated = UserRules.Deactivate(current, now);
            if (deactivated == current)
            {
                return UserWriteResult.Of(UserWriteStatus.Unchanged, current);
            }

            await SaveAsync(connection, transaction, deactivated);
            await AppendAsync(connection, transaction, UserEventType.UserDeactivated, deactivated, now);
            return UserWriteResult.Of(UserWriteStatus.Updated, deactivated);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return database.ReadAsync(connection => FindAsync(connection, null, userId, cancellationToken), cancellationToken);
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

            var names = userIds.Select((_, index) => "$id" + index.ToString(CultureInfo.InvariantCulture)).ToList();
            await using var select = Command(connection, null, $"SELECT {Columns} FROM users WHERE user_id IN ({string.Join(", ", names)});");
            for (var index = 0; index < userIds.Count; index++)
            {
                select.Parameters.AddWithValue(names[index], userIds[index]);
            }

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
            await using var select = Command(connection, null, $"""
                SELECT sequence, {Columns} FROM users
                WHERE sequence > $after
                ORDER BY sequence
                LIMIT $limit;
                """);
            select.Parameters.AddWithValue("$after", afterSequence);
            select.Parameters.AddWithValue("$limit", limit + 1);

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

    private static async Task<UserRecord?> FindAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string userId, CancellationToken cancellationToken = default)
    {
        await using var select = Command(connection, transaction, $"SELECT {Columns} FROM users WHERE user_id = $user_id;");
        select.Parameters.AddWithValue("$user_id", userId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    private static async Task<(UserRecord User, string Fingerprint)?> FindByRequestIdAsync(
        SqliteConnection connection, SqliteTransaction transaction, string requestId)
    {
        await using var select = Command(connection, transaction,
            $"SELECT {Columns}, create_request_hash FROM users WHERE create_request_id = $request_id;");
        select.Parameters.AddWithValue("$request_id", requestId);
        await using var reader = await select.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (ReadUser(reader), reader.GetString(6)) : null;
    }

    /// <summary>The id of the user whose email has <paramref name="emailKey"/>, or null.</summary>
    private static async Task<string?> FindEmailOwnerAsync(SqliteConnection connection, SqliteTransaction transaction, string emailKey)
    {
        await using var select = Command(connection, transaction, "SELECT user_id FROM users WHERE email_key = $email_key;");
        select.Parameters.AddWithValue("$email_key", emailKey);
        return await select.ExecuteScalarAsync() as string;
    }

    /// <summary>Writes every mutable column of <paramref name="user"/>.</summary>
    private static async Task SaveAsync(SqliteConnection connection, SqliteTransaction transaction, UserRecord user)
    {
        await using var update = Command(connection, transaction, """
            UPDATE users
            SET email = $email, email_key = $email_key, display_name = $display_name, state = $state,
                update_time_ms = $update_time_ms
            WHERE user_id = $user_id;
            """);
        update.Parameters.AddWithValue("$user_id", user.UserId);
        update.Parameters.AddWithValue("$email", user.Email);
        update.Parameters.AddWithValue("$email_key", EmailAddress.Key(user.Email));
        update.Parameters.AddWithValue("$display_name", user.DisplayName);
        update.Parameters.AddWithValue("$state", UserStateText.Of(user.Status));
        update.Parameters.AddWithValue("$update_time_ms", user.UpdateTime.ToUnixTimeMilliseconds());
        var rows = await update.ExecuteNonQueryAsync();
        if (rows != 1)
        {
            throw new InvalidOperationException($"Saving user {user.UserId} changed {rows} rows instead of 1.");
        }
    }

    private Task<long> AppendAsync(
        SqliteConnection connection, SqliteTransaction transaction, UserEventType type, UserRecord user, DateTimeOffset now) =>
        log.AppendAsync(connection, transaction, UserFeed.KeyOf(user), UserFeed.EventOf(type, user, now), now);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql) =>
        connection.Prepared(sql, transaction);

    private static UserRecord ReadUser(SqliteDataReader reader, int offset = 0) => new(
        UserId: reader.GetString(offset),
        Email: reader.GetString(offset + 1),
        DisplayName: reader.GetString(offset + 2),
        Status: UserStateText.Parse(reader.GetString(offset + 3)),
        CreateTime: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(offset + 4)),
        UpdateTime: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(offset + 5)));
}
