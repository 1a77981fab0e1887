using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Mesh.ServiceDefaults.Tests;

/// <summary>The storage provider a service runs on is chosen by configuration, and a wrong choice stops it with a clear message.</summary>
public sealed class StorageRegistrationTests
{
    private static readonly SqliteSchema Sqlite = new(["CREATE TABLE probe (id INTEGER PRIMARY KEY) STRICT;"]);
    private static readonly PostgresSchema Postgres = new(["CREATE TABLE probe (id bigint PRIMARY KEY);"]);

    [Theory]
    [InlineData(null, StorageProvider.Sqlite)]
    [InlineData("", StorageProvider.Sqlite)]
    [InlineData("sqlite", StorageProvider.Sqlite)]
    [InlineData(" Postgres ", StorageProvider.Postgres)]
    [InlineData("postgresql", StorageProvider.Postgres)]
    public void ParseProvider_KnownNames(string? configured, StorageProvider expected) =>
        Assert.Equal(expected, MeshStorageRegistration.ParseProvider(configured));

    [Fact]
    public void ParseProvider_UnknownName_NamesTheKeyAndTheChoices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => MeshStorageRegistration.ParseProvider("mysql"));

        Assert.Contains("Mesh:Storage:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"postgres\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMeshStorage_PostgresWithoutConnectionString_StopsStartUpNamingTheSetting()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Mesh:Storage:Provider"] = "postgres";

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddMeshStorage("probe.db", Sqlite, Postgres));

        Assert.Contains("Mesh__Storage__ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMeshStorage_Postgres_RegistersThePostgresDatabaseAndNoSqliteFile()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Mesh:Storage:Provider"] = "postgres";
        builder.Configuration["Mesh:Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=probe;Username=probe";

        Assert.Equal(StorageProvider.Postgres, builder.AddMeshStorage("probe.db", Sqlite, Postgres));
        using var provider = builder.Services.BuildServiceProvider();

        Assert.Equal("probe", provider.GetRequiredService<PostgresDatabase>().DatabaseName);
        Assert.Null(provider.GetService<SqliteDatabase>());
    }

    [Fact]
    public async Task PostgresMigrator_DatabaseNeverComesUp_RetriesUntilTheStartTimeoutThenFails()
    {
        // Port 1 on loopback refuses at once: the migrator retries, then gives up after the timeout.
        await using var database = new PostgresDatabase("Host=127.0.0.1;Port=1;Database=probe;Username=probe;Timeout=2");
        var options = Options.Create(new PostgresStartOptions { StartTimeout = TimeSpan.FromSeconds(1), RetryInterval = TimeSpan.FromMilliseconds(200) });
        var migrator = new PostgresMigrator(database, Postgres, options, TimeProvider.System, NullLogger<PostgresMigrator>.Instance);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => migrator.StartingAsync(CancellationToken.None));

        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 20);
    }
}
