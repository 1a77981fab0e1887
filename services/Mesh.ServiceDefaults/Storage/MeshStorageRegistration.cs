using Mesh.ServiceDefaults.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.ServiceDefaults.Storage;

public static class MeshStorageRegistration
{
    /// <summary>
    /// Registers the service's SQLite database at <c>Mesh:Storage:Path</c> (default
    /// <c>data/{defaultFileName}</c> under the content root), migrated on start and checked
    /// by readiness.
    /// </summary>
    public static IHostApplicationBuilder AddMeshSqlite(this IHostApplicationBuilder builder, string defaultFileName, SqliteSchema schema)
    {
        var configured = builder.Configuration["Mesh:Storage:Path"];
        var path = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(builder.Environment.ContentRootPath, "data", defaultFileName)
            : configured;
        builder.Services.AddSingleton(schema);
        builder.Services.AddSingleton(_ => new SqliteDatabase(path));
        builder.Services.AddSingleton<IReadinessCheck, SqliteReadinessCheck>();
        builder.Services.AddHostedService<SqliteMigrator>();
        return builder;
    }
}
