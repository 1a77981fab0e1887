using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Sdk;

namespace Mesh.Testing;

/// <summary>
/// Builds a service from its registrations, as its Program.cs does, and starts it: for tests of
/// what must stop a service from starting.
/// </summary>
/// <remarks>
/// Not through <see cref="MeshServiceFactory{TEntryPoint}"/>: WebApplicationFactory runs Program.Main
/// on its own thread, and when start-up fails Main disposes the host while the factory is still
/// reading it, so the failure surfaces either as itself or as an ObjectDisposedException, by timing.
/// </remarks>
public static class ServiceStartup
{
    /// <summary>
    /// Starts the service with <paramref name="settings"/> on a fresh SQLite database and returns
    /// the exception that stopped it; fails the test if it started.
    /// </summary>
    public static async Task<Exception> FailureAsync(
        Action<WebApplicationBuilder> register,
        params (string Key, string? Value)[] settings)
    {
        ArgumentNullException.ThrowIfNull(register);
        var directory = Directory.CreateTempSubdirectory("mesh-start-");
        try
        {
            var builder = WebApplication.CreateBuilder();
            builder.Configuration.AddInMemoryCollection(
            [
                // Loopback on a free port, in case the service starts although it should not.
                new("urls", "http://127.0.0.1:0"),
                new("Mesh:Storage:Path", Path.Combine(directory.FullName, "service.db")),
                .. settings.Select(setting => KeyValuePair.Create(setting.Key, setting.Value)),
            ]);
            register(builder);
            await using var app = builder.Build();

            var exception = await Record.ExceptionAsync(() => app.StartAsync());

            if (exception is null)
            {
                await app.StopAsync();
                throw new XunitException("The service started; expected it to refuse.");
            }

            return exception;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }
}
