using Mesh.Inventory.Api.Validators;
using Mesh.Inventory.Feeds;
using Mesh.Inventory.Storage;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Messaging;
using Mesh.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace Mesh.Inventory;

/// <summary>The inventory service's own registrations, on top of the Mesh defaults.</summary>
public static class InventoryRegistration
{
    public static WebApplicationBuilder AddInventory(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddMeshStorage("inventory.db", InventorySchema.Schema, InventorySchema.PostgresSchema);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddMeshEventLog(InventoryEventLog.Name);
        builder.AddMeshEventRelay(new RelayedLog(InventoryEventLog.Name, InventoryEvent.Descriptor, filterKeyHeader: "sku"));
        builder.Services.AddSingleton<InventoryEventLog>();
        builder.Services.AddSingleton<ItemStore>();
        builder.Services.AddSingleton<ReservationStore>();

        builder.Services.AddOptions<InventoryOptions>()
            .BindConfiguration("Mesh:Inventory")
            .Validate(options => options.ExpirySweepInterval > TimeSpan.Zero, "Mesh:Inventory:ExpirySweepInterval must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ReservationMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(ReservationMetrics.MeterName));
        builder.Services.AddHostedService<ReservationExpiryService>();

        builder.Services.AddRequestValidator<CreateItemRequest, CreateItemRequestValidator>();
        builder.Services.AddRequestValidator<GetItemRequest, GetItemRequestValidator>();
        builder.Services.AddRequestValidator<BatchGetItemsRequest, BatchGetItemsRequestValidator>();
        builder.Services.AddRequestValidator<ListItemsRequest, ListItemsRequestValidator>();
        builder.Services.AddRequestValidator<UpdateItemRequest, UpdateItemRequestValidator>();
        builder.Services.AddRequestValidator<AdjustStockRequest, AdjustStockRequestValidator>();
        builder.Services.AddRequestValidator<ReserveStockRequest, ReserveStockRequestValidator>();
        builder.Services.AddRequestValidator<CommitReservationRequest, CommitReservationRequestValidator>();
        builder.Services.AddRequestValidator<ReleaseReservationRequest, ReleaseReservationRequestValidator>();
        builder.Services.AddRequestValidator<WatchInventoryRequest, WatchInventoryRequestValidator>();
        return builder;
    }
}
