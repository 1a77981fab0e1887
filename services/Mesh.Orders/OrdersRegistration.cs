using Mesh.Inventory.V1;
using Mesh.Orders.Api.Validators;
using Mesh.Orders.Clients;
using Mesh.Orders.Domain;
using Mesh.Orders.Feeds;
using Mesh.Orders.Storage;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Clients;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Messaging;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Mesh.Users.V1;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace Mesh.Orders;

public static class OrdersRegistration
{
    /// <summary>
    /// Registers the orders service's storage, clients, saga, sweeper, order event log, catalog
    /// cache and request validators.
    /// </summary>
    public static WebApplicationBuilder AddOrders(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var storage = builder.AddMeshStorage("orders.db", OrdersSchema.Sqlite, OrdersSchema.Postgres);
        // Every users and inventory method is idempotent (reads, or writes keyed by an id we choose).
        builder.AddMeshClient<UserService.UserServiceClient>("Users", UserService.Descriptor);
        builder.AddMeshClient<InventoryService.InventoryServiceClient>("Inventory", InventoryService.Descriptor);

        builder.Services.AddOptions<OrdersOptions>()
            .BindConfiguration(OrdersOptions.Section)
            .Validate(options => options.IsValid(), OrdersOptions.ValidationMessage)
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OrderStore>();
        builder.Services.AddSingleton<CatalogCacheStore>();
        builder.Services.AddSingleton<InProcessRequestLocks>();
        if (storage == StorageProvider.Postgres)
        {
            // Replicas share the database, so the request locks must span them too.
            builder.Services.AddSingleton<IRequestLocks, PostgresRequestLocks>();
        }
        else
        {
            builder.Services.AddSingleton<IRequestLocks>(provider => provider.GetRequiredService<InProcessRequestLocks>());
        }

        builder.AddMeshEventLog(OrderEvents.LogName);
        builder.AddMeshEventRelay(new RelayedLog(OrderEvents.LogName, OrderEvent.Descriptor, filterKeyHeader: "user_id"));
        builder.Services.AddSingleton<OrderEventFeed>();

        // The catalog cache: a consumer of inventory's feed fills it, the pricer reads it. The
        // consumer is also registered as itself, so the pricer can ask whether it is live.
        builder.AddMeshFeedConsumers();
        builder.Services.AddSingleton<InventoryCatalogConsumer>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<InventoryCatalogConsumer>());
        // The users orders has checked, current through users' feed; the user check asks it first.
        builder.Services.AddSingleton<UserDirectory>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<UserDirectory>());
        builder.Services.AddSingleton<CatalogPricingMetrics>();
        builder.Services.AddSingleton<SagaMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(CatalogPricingMetrics.MeterName, SagaMetrics.MeterName));

        // Per call: the generated clients come from the client factory, which hands out short-lived instances.
        builder.Services.AddScoped<InventoryCatalogPricer>();
        builder.Services.AddScoped<ICatalogPricer, CachedCatalogPricer>();
        builder.Services.AddScoped<UserChecker>();
        builder.Services.AddScoped<StockReservations>();
        builder.Services.AddScoped<StockReleaser>();
        builder.Services.AddScoped<StockRestocker>();
        builder.Services.AddScoped<PlaceOrderSaga>();
        builder.Services.AddScoped<OrderCanceller>();
        builder.Services.AddScoped<AbandonedOrderSweeper>();
        builder.Services.AddHostedService<AbandonedOrderSweepService>();

        builder.Services.AddRequestValidator<PlaceOrderRequest, PlaceOrderRequestValidator>();
        builder.Services.AddRequestValidator<GetOrderRequest, GetOrderRequestValidator>();
        builder.Services.AddRequestValidator<ListOrdersRequest, ListOrdersRequestValidator>();
        builder.Services.AddRequestValidator<CancelOrderRequest, CancelOrderRequestValidator>();
        builder.Services.AddRequestValidator<ListOrderEventsRequest, ListOrderEventsRequestValidator>();
        builder.Services.AddRequestValidator<WatchOrderEventsRequest, WatchOrderEventsRequestValidator>();
        return builder;
    }
}
