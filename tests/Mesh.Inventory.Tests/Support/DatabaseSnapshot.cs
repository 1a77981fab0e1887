using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mesh.Inventory.Tests.Support;

/// <summary>
/// Every row of every inventory table as text, read straight from the database, so a test
/// can prove a refused call changed nothing at all — and announced nothing on the feed.
/// </summary>
public static class DatabaseSnapshot
{
    private static readonly string[] Tables = ["items", "stock_adjustments", "reservations", "reservation_lines", "inventory_events"];

    public static async Task<string> TakeAsync(string databasePath)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return await ReadTablesAsync(connection);
    }

    public static async Task<string> TakePostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await ReadTablesAsync(connection);
    }

    private static async Task<string> ReadTablesAsync(DbConnection connection)
    {
        var text = new StringBuilder();
        foreach (var table in Tables)
        {
            text.Append("# ").AppendLine(table);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY 1, 2";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var column = 0; column < reader.FieldCount; column++)
                {
                    var value = reader.GetValue(column);
                    text.Append(value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, CultureInfo.InvariantCulture)).Append('|');
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }
}
