using Npgsql;

namespace Mesh.Testing.Postgres;

/// <summary>
/// The PostgreSQL server the tests use, from <c>MESH_TEST_POSTGRES</c> (a connection string to
/// a server where the user may create databases; <c>.ci/run</c> starts one on loopback). Each
/// test creates its own database and drops it at the end.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "MESH_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Why PostgreSQL tests are skipped, or null when they run. Under CI=true they always run,
    /// so a missing server fails them (see <see cref="CreateDatabaseAsync"/>) instead of hiding them.
    /// </summary>
    public static string? SkipReason => ConnectionString is null && !InCi
        ? $"{Variable} is not set (e.g. \"Host=127.0.0.1;Port=54329;Username=postgres\"); PostgreSQL tests skipped. CI=true makes this a failure."
        : null;

    /// <summary>Creates an empty database <c>mesh_test_&lt;random&gt;</c>; disposing the result drops it.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var server = ConnectionString ?? throw new InvalidOperationException(
            $"{Variable} is not set, and CI=true requires the PostgreSQL tests to run: start a server and set {Variable} " +
            "(e.g. \"Host=127.0.0.1;Port=54329;Username=postgres\"); .ci/run does both.");
        var name = "mesh_test_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", admin);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(server, name, builder.ConnectionString);
    }

    public sealed class TestDatabase(string server, string name, string connectionString) : IAsyncDisposable
    {
        public string Name { get; } = name;

        public string ConnectionString { get; } = connectionString;

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
