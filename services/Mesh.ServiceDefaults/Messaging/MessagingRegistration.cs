using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace Mesh.ServiceDefaults.Messaging;

public static class MessagingRegistration
{
    /// <summary>True when Mesh:Messaging:Url is set: the relay and any broker consumer run.</summary>
    public static bool MessagingEnabled(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return !string.IsNullOrWhiteSpace(builder.Configuration[$"{MessagingOptions.Section}:Url"]);
    }

    /// <summary>
    /// Relays the service's event log (registered with AddMeshEventLog) to the broker as
    /// <paramref name="relayed"/> describes, when messaging is on; does nothing otherwise. Needs a
    /// consumer_cursors table in the schema for its checkpoint.
    /// </summary>
    public static IHostApplicationBuilder AddMeshEventRelay(this IHostApplicationBuilder builder, RelayedLog relayed)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(relayed);
        if (!builder.MessagingEnabled())
        {
            return builder;
        }

        AddMeshMessaging(builder);
        builder.Services.AddSingleton(relayed);
        builder.Services.AddSingleton<IPruneBound>(provider => ActivatorUtilities.CreateInstance<RelayPruneBound>(provider, relayed));
        builder.Services.AddHostedService(provider => ActivatorUtilities.CreateInstance<EventRelay>(provider, relayed));
        return builder;
    }

    /// <summary>What relays and consumers share: options, the broker connection, metrics and the relay lease.</summary>
    public static IHostApplicationBuilder AddMeshMessaging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(service => service.ServiceType == typeof(BrokerConnection)))
        {
            return builder; // the relay and a consumer of one service both ask for it: register once
        }

        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section)
            .Validate(options => Uri.TryCreate(options.Url, UriKind.Absolute, out var url) && url.Scheme is "amqp" or "amqps",
                $"{MessagingOptions.Section}:Url must be an amqp:// or amqps:// URL")
            .Validate(options => options.PublishBatchSize > 0 && options.Prefetch > 0 && options.MaxDeliveryAttempts > 0,
                $"{MessagingOptions.Section}: PublishBatchSize, Prefetch and MaxDeliveryAttempts must be positive")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<BrokerConnection>();
        builder.Services.TryAddSingleton<MessagingMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(MessagingMetrics.MeterName));
        if (builder.StorageProvider() == StorageProvider.Postgres)
        {
            builder.Services.TryAddSingleton<IRelayLease, PostgresRelayLease>();
        }
        else
        {
            builder.Services.TryAddSingleton<IRelayLease, ProcessRelayLease>();
        }

        return builder;
    }
}
