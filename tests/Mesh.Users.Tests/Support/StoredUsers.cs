using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Mesh.Users.Tests.Support;

/// <summary>Reads the users table straight from the database file, bypassing the service.</summary>
public static class StoredUsers
{
    /// <summary>Every column of every row, in storage order, as one comparable string.</summary>
    public static async Task<string> SnapshotAsync(string databasePath)
    {
        await using var connection = Open(databasePath);
        await connection.OpenAsync();
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
    public static async Task<long> CountByEmailKeyAsync(string databasePath, string emailKey)
    {
        await using var connection = Open(databasePath);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM users WHERE email_key = $key;";
        command.Parameters.AddWithValue("$key", emailKey);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // Unpooled, so no handle outlives the test (the health test deletes the file).
    private static SqliteConnection Open(string databasePath) =>
        new(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
}
