using Mesh.ServiceDefaults.Storage;

namespace Mesh.Users.Storage;

/// <summary>The users database, one migration per entry; append only, never edit one that shipped.</summary>
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

    public static SqliteSchema Schema { get; } = new([CreateUsers]);
}
