using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Mesh.ServiceDefaults.Feeds;

public static class FeedRegistration
{
    /// <summary>
    /// Registers the service's event log <paramref name="name"/> in the configured storage
    /// provider (add <see cref="SqliteEventLog.Migration"/> or <see cref="PostgresEventLog.Migration"/>
    /// to the schema), as its concrete type and as <see cref="IEventLog"/>, the streamer that
    /// serves it, and retention pruning.
    /// </summary>
    public static IHostApplicationBuilder AddMeshEventLog(this IHostApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddFeedBasics(builder);
        if (builder.StorageProvider() == StorageProvider.Postgres)
        {
            builder.Services.AddSingleton(provider => new PostgresEventLog(provider.GetRequiredService<PostgresDatabase>(), name));
            builder.Services.AddSingleton<IEventLog>(provider => provider.GetRequiredService<PostgresEventLog>());
        }
        else
        {
            builder.Services.AddSingleton(provider => new SqliteEventLog(provider.GetRequiredService<SqliteDatabase>(), name));
            builder.Services.AddSingleton<IEventLog>(provider => provider.GetRequiredService<SqliteEventLog>());
        }

        builder.Services.TryAddSingleton<FeedServingMetrics>();
        builder.Services.TryAddSingleton<FeedStreamer>();
        builder.Services.AddHostedService<EventLogPruner>();
        return builder;
    }

    /// <summary>Registers what feed consumers need: cursors in the service's database, lag metrics, backoff.</summary>
    public static IHostApplicationBuilder AddMeshFeedConsumers(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddFeedBasics(builder);
        builder.Services.TryAddSingleton<ConsumerCursors>();
        builder.Services.TryAddSingleton<IConsumerCursors>(provider => provider.GetRequiredService<ConsumerCursors>());

        builder.Services.TryAddSingleton<FeedConsumerMetrics>();
        return builder;
    }

    private static void AddFeedBasics(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FeedOptions>().BindConfiguration("Mesh:Feeds");
        builder.Services.TryAddSingleton(TimeProvider.System);
    }
}
