using Mesh.Inventory.Domain;
using Npgsql;

namespace Mesh.Inventory.Storage.Postgres;

/// <summary>
/// One inventory write transaction: its connection, its clock reading, and the item changes it
/// made, which are appended to the event log with the commit (in its round trip, so the log's
/// append lock is held only while the server inserts and commits).
/// </summary>
internal sealed class PostgresInventoryWrite(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now)
{
    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    /// <summary>The transaction's time, already at millisecond precision.</summary>
    public DateTimeOffset Now { get; } = now;

    public long NowMs => InventoryRows.ToMs(Now);

    /// <summary>The changes made so far, in the order they were made.</summary>
    public List<ItemChange> Changes { get; } = [];

    public NpgsqlCommand Command(string sql, params ReadOnlySpan<NpgsqlParameter> parameters) =>
        PostgresSql.Command(Connection, Transaction, sql, parameters);
}
