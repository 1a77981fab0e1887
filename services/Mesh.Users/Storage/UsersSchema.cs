using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;
using Mesh.Users.Feeds;

namespace Mesh.Users.Storage;

/// <summary>
/// The users database, one migration per entry, for each provider; append only, never edit one
/// that shipped. Both providers have the same tables, columns, indexes and meaning, numbered alike.
/// </summary>
public static class UsersSchema
{
    // 1: users. `sequence` orders listings and page tokens (UUIDv7 order follows clocks, which
    // can step back). `email_key` is the lower-cased email that makes uniqueness
    // case-insensitive. `create_request_id` + `create_request_hash` make CreateUser idempotent:
    // the UNIQUE index admits one user per request id, the hash tells a retry from a reuse.
    // Times are unix milliseconds (UTC).
    private const string CreateUsers = """
        CREATE TABLE users (
            sequence            INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id             TEXT    NOT NULL,
            email               TEXT    NOT NULL,
            email_key           TEXT    NOT NULL,
            display_name        TEXT    NOT NULL,
            state               TEXT    NOT NULL CHECK (state IN ('active', 'deactivated')),
            create_time_ms      INTEGER NOT NULL,
            update_time_ms      INTEGER NOT NULL,
            create_request_id   TEXT    NOT NULL,
            create_request_hash TEXT    NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX users_user_id ON users (user_id);
        CREATE UNIQUE INDEX users_email_key ON users (email_key);
        CREATE UNIQUE INDEX users_create_request_id ON users (create_request_id);
        """;

    // 4: per-user order statistics kept from the orders event log (consumer "orders-events",
    // whose cursor lives in consumer_cursors from migration 3 and moves in the same transaction).
    // No foreign key to users: an order event may arrive before the user row is visible here
    // (event order across services is not guaranteed), and its counts must not be lost.
    // Spend is per currency because one user may order in several; amounts are minor units.
    private const string CreateOrderStats = """
        CREATE TABLE user_order_stats (
            user_id          TEXT    PRIMARY KEY,
            orders_placed    INTEGER NOT NULL DEFAULT 0,
            orders_cancelled INTEGER NOT NULL DEFAULT 0,
            orders_rejected  INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE TABLE user_order_spend (
            user_id       TEXT    NOT NULL,
            currency_code TEXT    NOT NULL,
            amount_minor  INTEGER NOT NULL,
            PRIMARY KEY (user_id, currency_code)
        ) STRICT;
        """;

    // The PostgreSQL twins: identity columns instead of AUTOINCREMENT (never reused either),
    // bigint wherever SQLite stores an INTEGER, so values map back identically.
    private const string CreateUsersPostgres = """
        CREATE TABLE users (
            sequence            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id             text   NOT NULL,
            email               text   NOT NULL,
            email_key           text   NOT NULL,
            display_name        text   NOT NULL,
            state               text   NOT NULL CHECK (state IN ('active', 'deactivated')),
            create_time_ms      bigint NOT NULL,
            update_time_ms      bigint NOT NULL,
            create_request_id   text   NOT NULL,
            create_request_hash text   NOT NULL
        );
        CREATE UNIQUE INDEX users_user_id ON users (user_id);
        CREATE UNIQUE INDEX users_email_key ON users (email_key);
        CREATE UNIQUE INDEX users_create_request_id ON users (create_request_id);
        """;

    private const string CreateOrderStatsPostgres = """
        CREATE TABLE user_order_stats (
            user_id          text   PRIMARY KEY,
            orders_placed    bigint NOT NULL DEFAULT 0,
            orders_cancelled bigint NOT NULL DEFAULT 0,
            orders_rejected  bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE user_order_spend (
            user_id       text   NOT NULL,
            currency_code text   NOT NULL,
            amount_minor  bigint NOT NULL,
            PRIMARY KEY (user_id, currency_code)
        );
        """;

    public static SqliteSchema Sqlite { get; } = new(
    [
        CreateUsers,
        // 2: the "users" event log behind WatchUsers (filter key: user_id).
        SqliteEventLog.Migration(UserFeed.LogName),
        // 3: cursors of the feeds this service consumes.
        ConsumerCursors.SqliteMigration,
        CreateOrderStats,
        // 5: message ids the broker consumer of order events has applied (Mesh:Users:OrderStats:Transport=broker).
        MessageInbox.SqliteMigration,
    ]);

    public static PostgresSchema Postgres { get; } = new(
    [
        CreateUsersPostgres,
        PostgresEventLog.Migration(UserFeed.LogName),
        ConsumerCursors.PostgresMigration,
        CreateOrderStatsPostgres,
        MessageInbox.PostgresMigration,
    ]);
}
