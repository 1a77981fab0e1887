using Npgsql;

namespace Mesh.Launcher;

/// <summary>
/// The launcher's opt-in PostgreSQL mode: one database per service (<c>mesh_users</c>,
/// <c>mesh_inventory</c>, <c>mesh_orders</c>; a <c>Database</c> in the connection string
/// replaces the <c>mesh</c> prefix) on the server the developer names, created when missing.
/// Each service receives only the connection string of its own database.
/// </summary>
public static class PostgresDatabases
{
    /// <summary>The database of <paramref name="service"/> on <paramref name="server"/>, e.g. <c>mesh_users</c>.</summary>
    public static string DatabaseName(string server, MeshService service)
    {
        var prefix = new NpgsqlConnectionStringBuilder(server).Database;
        if (string.IsNullOrEmpty(prefix))
        {
            prefix = "mesh";
        }

        // It becomes part of a CREATE DATABASE statement, so only plain identifiers.
        if (!prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') || !char.IsAsciiLetterLower(prefix[0]))
        {
            throw new ArgumentException($"--postgres: Database names the prefix of the three databases; use lower-case letters, digits and _ (got '{prefix}').");
        }

        return prefix + "_" + MeshServiceInfo.Of(service).Name;
    }

    /// <summary>The connection string for <paramref name="service"/>'s own database on <paramref name="server"/>.</summary>
    public static string ConnectionStringFor(string server, MeshService service) =>
        new NpgsqlConnectionStringBuilder(server) { Database = DatabaseName(server, service) }.ConnectionString;

    /// <summary>Creates the databases that do not exist yet; the services create their tables.</summary>
    /// <exception cref="MeshLaunchException">The server cannot be reached or refuses.</exception>
    public static async Task EnsureCreatedAsync(string server, Action<string> say, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(server);
        ArgumentNullException.ThrowIfNull(say);
        // Connect to the maintenance database: the server's default may be one of ours, not yet created.
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var info in MeshServiceInfo.All)
            {
                var name = DatabaseName(server, info.Service);
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1;", connection);
                exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    continue;
                }

                // Names are checked identifiers (DatabaseName) plus a fixed service name.
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
                try
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    say($"created PostgreSQL database {name}");
                }
                catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Another launcher created it between our check and our CREATE: that is fine.
                }
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            throw new MeshLaunchException(
                $"PostgreSQL at {Describe(server)} is not usable ({exception.Message}). Start it, or drop --postgres to run on the embedded SQLite files.",
                exception);
        }
    }

    /// <summary>Host, port and user of <paramref name="server"/>; never its password.</summary>
    public static string Describe(string server)
    {
        var builder = new NpgsqlConnectionStringBuilder(server);
        return $"{builder.Host}:{builder.Port} as {builder.Username ?? "(default user)"}";
    }
}
