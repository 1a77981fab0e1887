using Mesh.Launcher;
using Mesh.Testing.Postgres;
using Npgsql;

namespace Mesh.CrossService.Tests.Compatibility;

/// <summary>PostgreSQL databases written by the code before the store rewrite open, migrate and lose nothing.</summary>
public sealed class PostgresCompatibilityTests
{
    [PostgresFact]
    public async Task StartMesh_OnPreviousPostgresDatabases_ServesEveryOldRowAndContinuesTheLogs()
    {
        var server = PostgresServer.ConnectionString
            ?? throw new InvalidOperationException($"{PostgresServer.Variable} is not set; CI=true requires it.");
        var data = PreviousData.Load("postgres");
        // The launcher's prefix: the mesh runs on <prefix>_users, <prefix>_inventory and <prefix>_orders.
        var prefix = "compat_" + Guid.NewGuid().ToString("N")[..10];
        var dataDirectory = Directory.CreateTempSubdirectory("mesh-compat-pg-").FullName;
        try
        {
            foreach (var info in MeshServiceInfo.All)
            {
                await RestoreAsync(server, $"{prefix}_{info.Name}", Path.Combine(data.Folder, info.Name + ".sql"));
            }

            await using var mesh = await CompatibilityMesh.StartAsync(
                dataDirectory, new NpgsqlConnectionStringBuilder(server) { Database = prefix }.ConnectionString);
            await mesh.CheckAsync(running => PreviousDataChecks.AssertAllAsync(running, data));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
            await DropAsync(server, prefix);
        }
    }

    /// <summary>Creates <paramref name="database"/> and runs the dump in it, as psql would.</summary>
    private static async Task RestoreAsync(string server, string database, string dumpFile)
    {
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database};", admin);
            await create.ExecuteNonQueryAsync();
        }

        // Unpooled: the dump empties the session's search_path, which must not leak to a later user.
        var target = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var restore = new NpgsqlCommand(await File.ReadAllTextAsync(dumpFile), connection);
        await restore.ExecuteNonQueryAsync();
    }

    private static async Task DropAsync(string server, string prefix)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        foreach (var info in MeshServiceInfo.All)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {prefix}_{info.Name} WITH (FORCE);", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
