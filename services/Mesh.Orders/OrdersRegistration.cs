using Mesh.Inventory.V1;
using Mesh.Orders.Api;
using Mesh.Orders.Domain;
using Mesh.Orders.Storage;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Clients;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Storage;
using Mesh.Users.V1;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mesh.Orders;

public static class OrdersRegistration
{
    /// <summary>Registers the orders service's storage, clients, saga, sweeper and request validators.</summary>
    public static WebApplicationBuilder AddOrders(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddMeshSqlite("orders.db", OrdersSchema.Schema);
        // Every users and inventory method is idempotent (reads, or writes keyed by an id we choose).
        builder.AddMeshClient<UserService.UserServiceClient>("Users", retrySafe: true);
        builder.AddMeshClient<InventoryService.InventoryServiceClient>("Inventory", retrySafe: true);

        builder.Services.AddOptions<OrdersOptions>()
            .BindConfiguration(OrdersOptions.Section)
            .Validate(options => options.IsValid(), OrdersOptions.ValidationMessage)
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OrderRepository>();
        builder.Services.AddSingleton<RequestLocks>();

        // Per call: the generated clients come from the client factory, which hands out short-lived instances.
        builder.Services.AddScoped<ICatalogPricer, InventoryCatalogPricer>();
        builder.Services.AddScoped<StockReleaser>();
        builder.Services.AddScoped<PlaceOrderSaga>();
        builder.Services.AddScoped<OrderCanceller>();
        builder.Services.AddScoped<AbandonedOrderSweeper>();
        builder.Services.AddHostedService<AbandonedOrderSweepService>();

        builder.Services.AddRequestValidator<PlaceOrderRequest, PlaceOrderRequestValidator>();
        builder.Services.AddRequestValidator<GetOrderRequest, GetOrderRequestValidator>();
        builder.Services.AddRequestValidator<ListOrdersRequest, ListOrdersRequestValidator>();
        builder.Services.AddRequestValidator<CancelOrderRequest, CancelOrderRequestValidator>();
        return builder;
    }
}
