using Grpc.Net.Client;
using Mesh.ServiceDefaults.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Testing;

/// <summary>
/// Hosts one Mesh service in-process on TestServer with its own temporary SQLite database (or
/// a PostgreSQL one, <see cref="WithPostgres"/>), and hands out real GrpcChannels over the
/// TestServer handler.
/// </summary>
/// <typeparam name="TEntryPoint">Any type from the service's assembly.</typeparam>
public class MeshServiceFactory<TEntryPoint> : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private readonly List<Action<IServiceCollection>> _serviceOverrides = [];

    private readonly bool _ownsDataDirectory;

    /// <summary>A host on a fresh database in a temporary folder, deleted on dispose.</summary>
    public MeshServiceFactory()
        : this(Path.Combine(Directory.CreateTempSubdirectory("mesh-test-").FullName, "service.db"))
    {
        _ownsDataDirectory = true;
    }

    /// <summary>
    /// A host on the database at <paramref name="databasePath"/>, which the caller owns — for
    /// tests that stop a host and start another on the same data.
    /// </summary>
    public MeshServiceFactory(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        DataDirectory = Path.GetDirectoryName(DatabasePath)!;
        _settings["Mesh:Storage:Path"] = DatabasePath;
        _settings["Mesh:Health:CheckInterval"] = "00:00:00.200";
    }

    public string DataDirectory { get; }

    public string DatabasePath { get; }

    /// <summary>Sets a configuration value before the host is built.</summary>
    public MeshServiceFactory<TEntryPoint> WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Sets several configuration values before the host is built.</summary>
    public MeshServiceFactory<TEntryPoint> WithSettings(IEnumerable<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }

        return this;
    }

    /// <summary>
    /// Runs the service on PostgreSQL instead of its SQLite file: <paramref name="connectionString"/>
    /// names the service's own database (e.g. one from <see cref="Postgres.PostgresServer.CreateDatabaseAsync"/>).
    /// </summary>
    public MeshServiceFactory<TEntryPoint> WithPostgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _settings["Mesh:Storage:Provider"] = "postgres";
        _settings["Mesh:Storage:ConnectionString"] = connectionString;
        return this;
    }

    /// <summary>Replaces or adds services after the service's own registrations.</summary>
    public MeshServiceFactory<TEntryPoint> WithServices(Action<IServiceCollection> configure)
    {
        _serviceOverrides.Add(configure);
        return this;
    }

    /// <summary>Whether the service runs on real Kestrel (<see cref="StartOnKestrel"/>) rather than TestServer.</summary>
    public bool OnKestrel { get; private set; }

    /// <summary>
    /// Starts the service on real Kestrel over loopback instead of TestServer, with its gRPC and
    /// HTTP/1.1 and metrics listeners each on a port the OS picks (see <see cref="KestrelService{TEntryPoint}"/>).
    /// </summary>
    public void StartOnKestrel()
    {
        WithSetting("urls", "http://127.0.0.1:0");
        WithSetting("Mesh:Http:Urls", "http://127.0.0.1:0");
        WithSetting("Mesh:Metrics:Urls", "http://127.0.0.1:0");
        UseKestrel();
        OnKestrel = true;
        StartServer();
    }

    /// <summary>A gRPC channel to this in-process service (over its socket when on Kestrel).</summary>
    public GrpcChannel CreateChannel() => OnKestrel
        ? GrpcChannel.ForAddress($"http://127.0.0.1:{Services.GetRequiredService<MeshListeners>().GrpcPort}", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        })
        : GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = Server.CreateHandler(),
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            foreach (var configure in _serviceOverrides)
            {
                configure(services);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A pooled SQLite handle may still be closing; the OS temp cleaner gets it.
            }
        }
    }
}
