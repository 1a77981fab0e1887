using Mesh.Storage.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Mesh.ServiceDefaults.Messaging;

/// <summary>
/// The lease on PostgreSQL: a session-level advisory lock held on a connection of its own. The
/// database frees it the moment that session ends — the replica died, or lost its connection —
/// and the next replica to try takes it.
/// </summary>
public sealed class PostgresRelayLease(PostgresDatabase database, IOptions<MessagingOptions> options, ILogger<PostgresRelayLease> logger) : IRelayLease
{
    // Advisory lock key space of the relay leases (the second key is hashtext(log name)).
    private const int LockClass = 0x4D52_4C59;

    public async Task<IRelayLeadership> AcquireAsync(string log, CancellationToken cancellationToken)
    {
        var waiting = false;
        while (true)
        {
            var connection = await database.OpenAsync(cancellationToken);
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@class, hashtext(@log));", connection);
                command.Parameters.AddWithValue("class", LockClass);
                command.Parameters.AddWithValue("log", log);
                if (await command.ExecuteScalarAsync(cancellationToken) is true)
                {
                    logger.LogInformation("This replica relays the {Log} log", log);
                    return new Leadership(connection, log);
                }
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }

            await connection.DisposeAsync();
            if (!waiting)
            {
                logger.LogInformation("Another replica relays the {Log} log; this one stands by", log);
                waiting = true;
            }

            await Task.Delay(options.Value.LeaseRetryInterval, cancellationToken);
        }
    }

    private sealed class Leadership(NpgsqlConnection connection, string log) : IRelayLeadership
    {
        public async Task ConfirmHeldAsync(CancellationToken cancellationToken)
        {
            // The lock lives exactly as long as this session: a round trip that succeeds proves both.
            await using var command = new NpgsqlCommand("SELECT 1;", connection);
            await command.ExecuteScalarAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                // Unlocked now, not when the pool next resets this session: a pooled session would
                // keep the lock, and this process's next attempt, on another session, would wait forever.
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@class, hashtext(@log));", connection);
                command.Parameters.AddWithValue("class", LockClass);
                command.Parameters.AddWithValue("log", log);
                await command.ExecuteScalarAsync();
            }
            catch (NpgsqlException)
            {
                // The session is gone, and the lock with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
