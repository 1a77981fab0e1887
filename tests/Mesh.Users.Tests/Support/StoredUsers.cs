using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mesh.Users.Tests.Support;

/// <summary>Reads the users table straight from the database (SQLite file or PostgreSQL), bypassing the service.</summary>
public static class StoredUsers
{
    /// <summary>Every column of every row, in storage order, as one comparable string.</summary>
    public static async Task<string> SnapshotAsync(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM users ORDER BY sequence;";
        await using var reader = await command.ExecuteReaderAsync();
        var snapshot = new StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var column = 0; column < reader.FieldCount; column++)
            {
                snapshot.Append(CultureInfo.InvariantCulture, $"{reader.GetName(column)}={reader.GetValue(column)};");
            }

            snapshot.AppendLine();
        }

        return snapshot.ToString();
    }

    /// <summary>How many stored users have an email matching <paramref name="emailKey"/> (lower-case).</summary>
    public static async Task<long> CountByEmailKeyAsync(DbConnection connection, string emailKey)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // Compared here rather than in SQL, so one query text serves both providers.
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT email_key FROM users;";
        await using var reader = await command.ExecuteReaderAsync();
        long count = 0;
        while (await reader.ReadAsync())
        {
            count += string.Equals(reader.GetString(0), emailKey, StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// An open connection to a SQLite file (unpooled, so no handle outlives the test: the health
    /// test deletes the file) or, when <paramref name="postgres"/> is set, to that PostgreSQL database.
    /// </summary>
    public static async Task<DbConnection> OpenAsync(string sqlitePath, string? postgres)
    {
        DbConnection connection = postgres is null
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString())
            : new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        return connection;
    }
}
