using System.Data.Common;
using Npgsql;

namespace Mesh.Storage.Postgres;

/// <summary>
/// PostgreSQL's side of the dialect: replicas write concurrently in READ COMMITTED, so rows a
/// decision depends on are locked, writers of one kind take an advisory lock, and a unique
/// violation or a broken deadlock means "decide again".
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    public static PostgresDialect Instance { get; } = new();

    private PostgresDialect()
    {
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override string ForUpdate => "FOR UPDATE";

    public override string OrdinalCollation => "COLLATE \"C\"";

    public override string ForUpdateSkipLocked => "FOR UPDATE SKIP LOCKED";

    public override string InList(string expression, string parameter) => $"{expression} = ANY(@{parameter})";

    public override string Greatest(string first, string second) => $"greatest({first}, {second})";

    public override DbCommand Command(StoreSession session, string sql)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new NpgsqlCommand(sql, (NpgsqlConnection)session.Connection, (NpgsqlTransaction?)session.Transaction);
    }

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsLostRace(Exception exception) =>
        exception is PostgresException
        {
            SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        };

    public override Task LockAsync(StoreSession session, int lockClass, int key)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.ExecuteAsync("SELECT pg_advisory_xact_lock(@lockClass, @key);", new { lockClass, key });
    }

    public override Task LockAsync(StoreSession session, int lockClass, string key)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.ExecuteAsync("SELECT pg_advisory_xact_lock(@lockClass, hashtext(@key));", new { lockClass, key });
    }
}
