using Mesh.ServiceDefaults.Health;
using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Mesh.ServiceDefaults.Storage;

public static class MeshStorageRegistration
{
    /// <summary>The configuration key that chooses the provider: <c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public const string ProviderKey = "Mesh:Storage:Provider";

    /// <summary>The SQLite file (default <c>data/&lt;service&gt;.db</c> under the content root).</summary>
    public const string PathKey = "Mesh:Storage:Path";

    /// <summary>
    /// The PostgreSQL connection string of the service's own database (in Kubernetes from a
    /// Secret, as the environment variable <c>Mesh__Storage__ConnectionString</c>).
    /// </summary>
    public const string ConnectionStringKey = "Mesh:Storage:ConnectionString";

    /// <summary>The provider configured at <see cref="ProviderKey"/>; anything but sqlite or postgres is a start-up error.</summary>
    public static StorageProvider StorageProvider(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return ParseProvider(builder.Configuration[ProviderKey]);
    }

    public static StorageProvider ParseProvider(string? configured) => configured?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => Mesh.Storage.StorageProvider.Sqlite,
        "postgres" or "postgresql" => Mesh.Storage.StorageProvider.Postgres,
        _ => throw new InvalidOperationException(
            $"{ProviderKey} is \"{configured}\"; use \"sqlite\" (embedded, one replica) or \"postgres\" (shared by replicas)."),
    };

    /// <summary>
    /// Registers the service's storage as configured: SQLite at <see cref="PathKey"/> (one
    /// replica), or PostgreSQL at <see cref="ConnectionStringKey"/> (any number of replicas).
    /// Either is migrated before the server starts and checked by readiness. Stores take it as
    /// <see cref="StoreDatabase"/>; the provider is returned for what still differs.
    /// </summary>
    public static StorageProvider AddMeshStorage(
        this IHostApplicationBuilder builder, string defaultFileName, SqliteSchema sqlite, PostgresSchema postgres)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(postgres);
        builder.Services.AddOptions<ReadViewOptions>()
            .BindConfiguration(ReadViewOptions.Section)
            .Validate(options => options.Capacity >= 0, $"{ReadViewOptions.Section}:Capacity must be 0 (off) or more.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<ReadViews>();
        var provider = builder.StorageProvider();
        if (provider == Mesh.Storage.StorageProvider.Sqlite)
        {
            builder.AddMeshSqlite(defaultFileName, sqlite);
            return provider;
        }

        var connectionString = builder.Configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"{ProviderKey} is postgres but {ConnectionStringKey} (environment: Mesh__Storage__ConnectionString) is not set.");
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(postgres);
        builder.Services.AddSingleton(_ => new PostgresDatabase(connectionString));
        builder.Services.AddSingleton<StoreDatabase>(services => services.GetRequiredService<PostgresDatabase>());
        builder.Services.AddOptions<PostgresStartOptions>().BindConfiguration("Mesh:Storage:Postgres");
        builder.Services.AddSingleton<IReadinessCheck, PostgresReadinessCheck>();
        builder.Services.AddHostedService<PostgresMigrator>();
        return provider;
    }

    /// <summary>
    /// Registers the service's SQLite database at <c>Mesh:Storage:Path</c> (default
    /// <c>data/{defaultFileName}</c> under the content root), migrated on start and checked
    /// by readiness.
    /// </summary>
    public static IHostApplicationBuilder AddMeshSqlite(this IHostApplicationBuilder builder, string defaultFileName, SqliteSchema schema)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration[PathKey];
        var path = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(builder.Environment.ContentRootPath, "data", defaultFileName)
            : configured;
        builder.Services.AddSingleton(schema);
        builder.Services.AddSingleton(_ => new SqliteDatabase(path));
        builder.Services.AddSingleton<StoreDatabase>(services => services.GetRequiredService<SqliteDatabase>());
        builder.Services.AddSingleton<IReadinessCheck, SqliteReadinessCheck>();
        builder.Services.AddHostedService<SqliteMigrator>();
        return builder;
    }
}
