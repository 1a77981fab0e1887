using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Clients;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Messaging;
using Mesh.ServiceDefaults.Storage;
using Mesh.Users.Api.Validators;
using Mesh.Users.Feeds;
using Mesh.Users.Storage;
using Mesh.Users.V1;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace Mesh.Users;

public static class UsersRegistration
{
    /// <summary>"feed" (default): order statistics follow WatchOrderEvents; "broker": the users.order-stats queue.</summary>
    public const string OrderStatsTransportKey = "Mesh:Users:OrderStats:Transport";

    /// <summary>
    /// Registers the users service's storage (SQLite, or PostgreSQL for replicas, per
    /// Mesh:Storage:Provider) with its stores, its event log (WatchUsers),
    /// request validators, and the consumer that keeps order statistics from the orders event log.
    /// </summary>
    public static WebApplicationBuilder AddUsers(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddMeshStorage("users.db", UsersSchema.Sqlite, UsersSchema.Postgres);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<UserDetailsView>();
        builder.Services.AddSingleton<OrderStatsStore>();

        builder.AddMeshEventLog(UserFeed.LogName);
        builder.AddMeshEventRelay(new RelayedLog(UserFeed.LogName, UserEvent.Descriptor, filterKeyHeader: "user_id"));
        builder.Services.AddSingleton<UserFeed>();

        // Order statistics: ListOrderEvents and WatchOrderEvents are reads, so retrying them is safe.
        // Without Mesh:Services:Orders:Address the consumer stays idle (it logs why) and users serves on.
        builder.AddMeshClient<OrderService.OrderServiceClient>("Orders", OrderService.Descriptor);
        builder.AddMeshFeedConsumers();
        builder.Services.AddSingleton<OrderStatsMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(OrderStatsMetrics.MeterName));
        AddOrderStatsTransport(builder);

        builder.Services.AddRequestValidator<CreateUserRequest, CreateUserRequestValidator>();
        builder.Services.AddRequestValidator<GetUserRequest, GetUserRequestValidator>();
        builder.Services.AddRequestValidator<BatchGetUsersRequest, BatchGetUsersRequestValidator>();
        builder.Services.AddRequestValidator<ListUsersRequest, ListUsersRequestValidator>();
        builder.Services.AddRequestValidator<UpdateUserRequest, UpdateUserRequestValidator>();
        builder.Services.AddRequestValidator<DeactivateUserRequest, DeactivateUserRequestValidator>();
        builder.Services.AddRequestValidator<WatchUsersRequest, WatchUsersRequestValidator>();
        return builder;
    }

    /// <summary>Where the order statistics come from: the WatchOrderEvents feed (default) or the broker's order events.</summary>
    private static void AddOrderStatsTransport(WebApplicationBuilder builder)
    {
        var transport = builder.Configuration[OrderStatsTransportKey]?.Trim().ToLowerInvariant();
        switch (transport)
        {
            case null or "" or "feed":
                builder.Services.AddHostedService<OrderStatsConsumer>();
                break;
            case "broker" when builder.MessagingEnabled():
                builder.AddMeshMessaging();
                builder.Services.AddHostedService<OrderStatsBrokerConsumer>();
                break;
            case "broker":
                throw new InvalidOperationException($"{OrderStatsTransportKey}=broker needs a broker: set {MessagingOptions.Section}:Url.");
            default:
                throw new InvalidOperationException($"{OrderStatsTransportKey} must be \"feed\" or \"broker\", not \"{transport}\".");
        }
    }
}
