using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Mesh.ServiceDefaults.Storage;

namespace Mesh.ServiceDefaults.Feeds;

public static class FeedRegistration
{
    /// <summary>
    /// Registers the service's event log <paramref name="name"/> (add
    /// <see cref="SqliteEventLog.Migration"/> to its schema), the streamer that serves it, and
    /// retention pruning.
    /// </summary>
    public static IHostApplicationBuilder AddMeshEventLog(this IHostApplicationBuilder builder, string name)
    {
        AddFeedBasics(builder);
        builder.Services.AddSingleton(provider => new SqliteEventLog(provider.GetRequiredService<SqliteDatabase>(), name));
        builder.Services.TryAddSingleton<FeedStreamer>();
        builder.Services.AddHostedService<EventLogPruner>();
        return builder;
    }

    /// <summary>Registers what feed consumers need: cursors in the service's database, lag metrics, backoff.</summary>
    public static IHostApplicationBuilder AddMeshFeedConsumers(this IHostApplicationBuilder builder)
    {
        AddFeedBasics(builder);
        builder.Services.TryAddSingleton<ConsumerCursors>();
        builder.Services.TryAddSingleton<FeedConsumerMetrics>();
        return builder;
    }

    private static void AddFeedBasics(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FeedOptions>().BindConfiguration("Mesh:Feeds");
        builder.Services.TryAddSingleton(TimeProvider.System);
    }
}
