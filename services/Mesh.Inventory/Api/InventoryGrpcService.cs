using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.Domain;
using Mesh.Inventory.Feeds;
using Mesh.Inventory.Storage;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Errors;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Paging;
using Mesh.ServiceDefaults.Validation;

namespace Mesh.Inventory.Api;

/// <summary>
/// mesh.inventory.v1.InventoryService. Requests arrive validated (see Validators/); this class
/// turns them into Domain values, lets a store decide inside one transaction, and maps
/// the outcome to a response or to the status inventory.proto documents. WatchInventory is
/// served from the event log those transactions append to.
/// </summary>
public sealed class InventoryGrpcService(
    ItemStore items,
    ReservationStore reservations,
    InventoryEventLog events,
    FeedStreamer streamer,
    ILogger<InventoryGrpcService> logger)
    : InventoryService.InventoryServiceBase
{
    // Page tokens of ListItems are bound to this scope: the listing has no filters.
    private const string ListScope = "items";

    public override async Task<CreateItemResponse> CreateItem(CreateItemRequest request, ServerCallContext context)
    {
        var definition = new ItemDefinition(
            request.Sku,
            FieldRules.Normalize(request.Name),
            request.UnitPrice.CurrencyCode,
            request.UnitPrice.AmountMinor,
            request.InitialQuantity);
        switch (await items.CreateItemAsync(definition, context.CancellationToken))
        {
            case CreateItemOutcome.Created created:
                logger.LogInformation("Created item {Sku} with {Quantity} units on hand", created.Item.Sku, created.Item.OnHand);
                return new CreateItemResponse { Item = InventoryMapper.ToProto(created.Item) };
            case CreateItemOutcome.AlreadyCreated existing:
                return new CreateItemResponse { Item = InventoryMapper.ToProto(existing.Item) };
            case CreateItemOutcome.Conflict:
                throw MeshErrors.AlreadyExists("item", request.Sku,
                    $"item '{request.Sku}' already exists with a different name, unit price or initial quantity");
            default:
                throw new UnreachableException();
        }
    }

    public override async Task<GetItemResponse> GetItem(GetItemRequest request, ServerCallContext context)
    {
        var item = await items.GetItemAsync(request.Sku, context.CancellationToken)
            ?? throw MeshErrors.NotFound("item", request.Sku, "sku");
        return new GetItemResponse { Item = InventoryMapper.ToProto(item) };
    }

    public override async Task<BatchGetItemsResponse> BatchGetItems(BatchGetItemsRequest request, ServerCallContext context)
    {
        var found = await items.GetItemsAsync(request.Skus, context.CancellationToken);
        var response = new BatchGetItemsResponse();
        foreach (var sku in request.Skus)
        {
            if (found.TryGetValue(sku, out var item))
            {
                response.Items.Add(InventoryMapper.ToProto(item));
            }
            else
            {
                response.MissingSkus.Add(sku);
            }
        }

        return response;
    }

    public override async Task<ListItemsResponse> ListItems(ListItemsRequest request, ServerCallContext context)
    {
        var afterSku = PageToken.Decode(request.Page?.PageToken ?? string.Empty, ListScope);
        var pageSize = FieldRules.PageSize(request.Page);
        // One extra row tells whether another page follows, so the last page carries no token.
        var page = await items.ListItemsAsync(afterSku, pageSize + 1, context.CancellationToken);
        var response = new ListItemsResponse();
        response.Items.AddRange(page.Take(pageSize).Select(InventoryMapper.ToProto));
        if (page.Count > pageSize)
        {
            response.NextPageToken = PageToken.Encode(ListScope, page[pageSize - 1].Sku);
        }

        return response;
    }

    public override async Task<UpdateItemResponse> UpdateItem(UpdateItemRequest request, ServerCallContext context)
    {
        var update = new ItemUpdate(
            request.Sku,
            request.HasName ? FieldRules.Normalize(request.Name) : null,
            request.UnitPrice?.CurrencyCode,
            request.UnitPrice?.AmountMinor);
        switch (await items.UpdateItemAsync(update, context.CancellationToken))
        {
            case UpdateItemOutcome.Updated updated:
                logger.LogInformation(
                    "Updated item {Sku}: name {Name}, unit price {AmountMinor} {CurrencyCode}",
                    updated.Item.Sku, updated.Item.Name, updated.Item.UnitPriceMinor, updated.Item.CurrencyCode);
                return new UpdateItemResponse { Item = InventoryMapper.ToProto(updated.Item) };
            case UpdateItemOutcome.Unchanged unchanged:
                return new UpdateItemResponse { Item = InventoryMapper.ToProto(unchanged.Item) };
            case UpdateItemOutcome.ItemNotFound:
                throw MeshErrors.NotFound("item", request.Sku, "sku");
            default:
                throw new UnreachableException();
        }
    }

    public override async Task<AdjustStockResponse> AdjustStock(AdjustStockRequest request, ServerCallContext context)
    {
        // The canonical form makes the same UUID in another letter case the same idempotency key.
        var adjustment = new StockAdjustment(
            Guid.Parse(request.RequestId).ToString(),
            request.Sku,
            request.Delta,
            FieldRules.Normalize(request.Reason));
        switch (await items.AdjustStockAsync(adjustment, context.CancellationToken))
        {
            case AdjustStockOutcome.Applied applied:
                logger.LogInformation(
                    "Adjusted stock of {Sku} by {Delta} ({Reason}); {OnHand} on hand, request {RequestId}",
                    adjustment.Sku, adjustment.Delta, adjustment.Reason, applied.Item.OnHand, adjustment.RequestId);
                return new AdjustStockResponse { Item = InventoryMapper.ToProto(applied.Item) };
            case AdjustStockOutcome.AlreadyApplied replay:
                return new AdjustStockResponse { Item = InventoryMapper.ToProto(replay.Item) };
            case AdjustStockOutcome.RequestIdReused:
                throw MeshErrors.RequestIdReused("request_id", request.RequestId);
            case AdjustStockOutcome.ItemNotFound:
                throw MeshErrors.NotFound("item", request.Sku, "sku");
            case AdjustStockOutcome.Insufficient insufficient:
                throw InventoryErrors.InsufficientStock([insufficient.Shortage]);
            case AdjustStockOutcome.TooMuchStock:
                throw MeshErrors.FailedPrecondition(
                    ErrorReason.InvalidState,
                    string.Create(CultureInfo.InvariantCulture, $"adding {request.Delta} units would exceed the largest quantity '{request.Sku}' can hold"));
            default:
                throw new UnreachableException();
        }
    }

    public override async Task<ReserveStockResponse> ReserveStock(ReserveStockRequest request, ServerCallContext context)
    {
        var lines = InventoryMapper.ToRecords(request.Lines);
        var ttl = request.Ttl is null ? ReservationTtl.Default : ReservationTtl.FromParts(request.Ttl.Seconds, request.Ttl.Nanos);
        switch (await reservations.ReserveStockAsync(request.ReservationId, lines, ttl, request.Commit, context.CancellationToken))
        {
            case ReserveStockOutcome.Reserved reserved:
                // One per order placed: Debug, so the shipped level does not log every order.
                logger.LogDebug(
                    "Reserved {LineCount} lines as {ReservationId} ({State})",
                    reserved.Reservation.Lines.Count, reserved.Reservation.ReservationId, reserved.Reservation.Status);
                return new ReserveStockResponse { Reservation = InventoryMapper.ToProto(reserved.Reservation) };
            case ReserveStockOutcome.AlreadyReserved existing:
                return new ReserveStockResponse { Reservation = InventoryMapper.ToProto(existing.Reservation) };
            case ReserveStockOutcome.RequestIdReused:
                throw MeshErrors.RequestIdReused("reservation_id", request.ReservationId);
            case ReserveStockOutcome.UnknownSku unknown:
                throw MeshErrors.NotFound("item", unknown.Sku, $"lines[{unknown.LineIndex}].sku");
            case ReserveStockOutcome.Insufficient insufficient:
                throw InventoryErrors.InsufficientStock(insufficient.Shortages);
            default:
                throw new UnreachableException();
        }
    }

    public override async Task<CommitReservationResponse> CommitReservation(CommitReservationRequest request, ServerCallContext context)
    {
        var change = await reservations.CommitReservationAsync(request.ReservationId, context.CancellationToken)
            ?? throw MeshErrors.NotFound("reservation", request.ReservationId, "reservation_id");
        LogChange(change);
        // An overdue hold was just expired (and committed as such), so it fails like any expired one.
        if (change.Reservation.Status != ReservationStatus.Committed)
        {
            throw InventoryErrors.InvalidState(change.Reservation, "committed");
        }

        return new CommitReservationResponse { Reservation = InventoryMapper.ToProto(change.Reservation) };
    }

    public override async Task<ReleaseReservationResponse> ReleaseReservation(ReleaseReservationRequest request, ServerCallContext context)
    {
        var change = await reservations.ReleaseReservationAsync(request.ReservationId, context.CancellationToken)
            ?? throw MeshErrors.NotFound("reservation", request.ReservationId, "reservation_id");
        LogChange(change);
        if (change.Reservation.Status == ReservationStatus.Committed)
        {
            throw InventoryErrors.InvalidState(change.Reservation, "released");
        }

        return new ReleaseReservationResponse { Reservation = InventoryMapper.ToProto(change.Reservation) };
    }

    public override Task WatchInventory(
        WatchInventoryRequest request, IServerStreamWriter<WatchInventoryResponse> responseStream, ServerCallContext context) =>
        streamer.StreamAsync(
            events.Log,
            new FeedSubscription(request.AfterSequence, request.Skus.ToArray(), request.StartAtHead),
            InventoryFeedMapper.ToResponse,
            InventoryFeedMapper.ToResponse,
            responseStream,
            context);

    private void LogChange(ReservationChange change)
    {
        if (change.Changed)
        {
            // A commit completes every order placed: Debug. Releases and expiries give stock
            // back after something went wrong, which operators want to see.
            var level = change.Reservation.Status == ReservationStatus.Committed ? LogLevel.Debug : LogLevel.Information;
            logger.Log(
                level,
                "Reservation {ReservationId} went from {PreviousState} to {State}",
                change.Reservation.ReservationId, change.PreviousStatus, change.Reservation.Status);
        }
    }
}
