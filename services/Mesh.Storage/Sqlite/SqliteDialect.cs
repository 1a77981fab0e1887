using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Mesh.Storage.Sqlite;

/// <summary>SQLite's side of the dialect: one writer at a time, so no row or advisory locks and no lost races.</summary>
public sealed class SqliteDialect : SqlDialect
{
    private const int Constraint = 19;
    private const int ConstraintPrimaryKey = Constraint | (6 << 8);
    private const int ConstraintUnique = Constraint | (8 << 8);

    public static SqliteDialect Instance { get; } = new();

    private SqliteDialect()
    {
    }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string ForUpdate => string.Empty;

    public override string OrdinalCollation => string.Empty;

    public override string ForUpdateSkipLocked => string.Empty;

    public override string InList(string expression, string parameter) => $"{expression} IN @{parameter}";

    public override string Greatest(string first, string second) => $"max({first}, {second})";

    public override DbCommand Command(StoreSession session, string sql)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ((SqliteConnection)session.Connection).Prepared(sql, (SqliteTransaction?)session.Transaction);
    }

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: ConstraintUnique or ConstraintPrimaryKey };

    public override bool IsLostRace(Exception exception) => false;

    public override Task LockAsync(StoreSession session, int lockClass, int key) => Task.CompletedTask;

    public override Task LockAsync(StoreSession session, int lockClass, string key) => Task.CompletedTask;
}
