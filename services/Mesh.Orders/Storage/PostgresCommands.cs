using Npgsql;
using NpgsqlTypes;

namespace Mesh.Orders.Storage;

/// <summary>Short-hands for commands with positional (<c>$1</c>) parameters, as the orders repositories write them.</summary>
internal static class PostgresCommands
{
    public static NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlBatchCommand BatchCommand(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter Text(string value) => new NpgsqlParameter<string> { TypedValue = value };

    public static NpgsqlParameter Texts(IEnumerable<string> values) => new NpgsqlParameter<string[]> { TypedValue = [.. values] };

    public static NpgsqlParameter Int64(long value) => new NpgsqlParameter<long> { TypedValue = value };

    public static NpgsqlParameter Int32(int value) => new NpgsqlParameter<int> { TypedValue = value };

    public static NpgsqlParameter Bytes(byte[]? value) =>
        new NpgsqlParameter<byte[]?> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Bytea };
}
