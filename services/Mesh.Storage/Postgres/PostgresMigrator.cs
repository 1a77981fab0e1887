using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Mesh.Storage.Postgres;

/// <summary>
/// Migrates the PostgreSQL database before anything else starts, so no call sees an old
/// schema. Replicas starting together queue on the migration lock; a database that is not up
/// yet is retried until <see cref="PostgresStartOptions.StartTimeout"/>.
/// </summary>
public sealed class PostgresMigrator(
    PostgresDatabase database,
    PostgresSchema schema,
    IOptions<PostgresStartOptions> options,
    TimeProvider time,
    ILogger<PostgresMigrator> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var giveUpAt = time.GetUtcNow() + options.Value.StartTimeout;
        while (true)
        {
            try
            {
                await database.MigrateAsync(schema.Migrations, cancellationToken);
                logger.LogInformation("PostgreSQL database {Database} at schema version {Version}",
                    database.DatabaseName, schema.Migrations.Count);
                return;
            }
            catch (NpgsqlException exception) when (exception.IsTransient && time.GetUtcNow() < giveUpAt)
            {
                logger.LogWarning("PostgreSQL database {Database} not reachable yet ({Reason}); retrying in {Interval}",
                    database.DatabaseName, exception.Message, options.Value.RetryInterval);
                await Task.Delay(options.Value.RetryInterval, time, cancellationToken);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
