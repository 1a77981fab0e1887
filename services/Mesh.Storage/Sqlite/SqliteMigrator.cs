using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Storage.Sqlite;

/// <summary>Creates and migrates the database before anything else starts, so no call sees an old schema.</summary>
public sealed class SqliteMigrator(SqliteDatabase database, SqliteSchema schema, ILogger<SqliteMigrator> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await database.MigrateAsync(schema.Migrations, cancellationToken);
        logger.LogInformation("Database {Path} at schema version {Version}", database.Path, schema.Migrations.Count);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
