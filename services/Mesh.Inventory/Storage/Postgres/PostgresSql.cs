using Npgsql;

namespace Mesh.Inventory.Storage.Postgres;

/// <summary>Commands with positional ($1, $2, ...) typed parameters.</summary>
internal static class PostgresSql
{
    public static NpgsqlCommand Command(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params ReadOnlySpan<NpgsqlParameter> parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };
}
