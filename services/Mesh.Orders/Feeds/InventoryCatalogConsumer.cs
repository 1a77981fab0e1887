using Grpc.Core;
using Grpc.Net.ClientFactory;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Orders.Domain;
using Mesh.Orders.Storage;
using Mesh.ServiceDefaults.Feeds;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.Storage;
using Microsoft.Extensions.Options;

namespace Mesh.Orders.Feeds;

/// <summary>
/// Keeps <see cref="CatalogCacheStore"/> level with inventory by following WatchInventory from the
/// stored cursor. Events are applied in batches (whatever arrived together, at most
/// <see cref="MaxBatch"/>), each batch and the cursor in one transaction. With no cursor yet,
/// or when inventory answers OUT_OF_RANGE (the cursor is older than its retention, or inventory's
/// log was replaced), it resynchronises: watch from the head, snapshot every item with
/// ListItems, store snapshot and head together, and follow on the same stream. A stream silent
/// for three heartbeat intervals (Mesh:Feeds:HeartbeatInterval, the same setting across the
/// mesh) is presumed dead and replaced. On PostgreSQL every replica runs it against the one
/// shared cache and cursor; the cache applies each event once whichever replica gets there
/// first, while each replica keeps its own <see cref="IsLive"/>.
/// </summary>
public sealed class InventoryCatalogConsumer(
    GrpcClientFactory clients,
    CatalogCacheStore cache,
    IConsumerCursors cursors,
    IOptions<FeedOptions> options,
    FeedConsumerMetrics metrics,
    ILogger<InventoryCatalogConsumer> logger) : FeedConsumer(ConsumerName, metrics, logger)
{
    /// <summary>The consumer's name: its cursor key and its lag metric's tag.</summary>
    public const string ConsumerName = "inventory-catalog";

    /// <summary>Most events applied in one transaction.</summary>
    public const int MaxBatch = 256;

    private const int SnapshotPageSize = 200;

    private volatile bool _streaming;
    private long _head;

    /// <summary>
    /// True while the stream is open and was level with inventory's head at its last heartbeat:
    /// only then may the cache answer for inventory.
    /// </summary>
    public bool IsLive => _streaming && IsCaughtUp;

    protected override async Task FollowAsync(CancellationToken cancellationToken)
    {
        var inventory = clients.CreateClient<InventoryService.InventoryServiceClient>(nameof(InventoryService.InventoryServiceClient));
        using var silence = new FeedSilenceGuard(options.Value.HeartbeatInterval * 3, cancellationToken);
        try
        {
            var cursor = await cursors.GetAsync(Name, cancellationToken);
            if (cursor > 0)
            {
                try
                {
                    using var call = inventory.WatchInventory(new WatchInventoryRequest { AfterSequence = cursor }, cancellationToken: silence.Token);
                    await ApplyAsync(call.ResponseStream, silence, cursor);
                    return;
                }
                catch (RpcException exception) when (exception.StatusCode == StatusCode.OutOfRange)
                {
                    logger.LogWarning("Inventory cannot resume the catalog feed after {Cursor} ({Detail}); resynchronising from a snapshot",
                        cursor, exception.Status.Detail);
                }
            }

            await ResynchroniseAsync(inventory, silence, cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("the catalog consumer is stopping", exception, cancellationToken);
        }
        finally
        {
            // Whatever ended the stream, the cache stops answering for inventory until it is level again.
            _streaming = false;
        }
    }

    private async Task ResynchroniseAsync(
        InventoryService.InventoryServiceClient inventory, FeedSilenceGuard silence, CancellationToken cancellationToken)
    {
        using var call = inventory.WatchInventory(new WatchInventoryRequest { StartAtHead = true }, cancellationToken: silence.Token);
        var stream = call.ResponseStream;
        if (!await silence.MoveNextAsync(stream))
        {
            return;
        }

        var head = stream.Current.KindCase == WatchInventoryResponse.KindOneofCase.Heartbeat
            ? stream.Current.Heartbeat.HeadSequence
            : throw new InvalidOperationException($"WatchInventory from the head began with {stream.Current.KindCase}, not a heartbeat");

        // Taken after the head was fixed, so the snapshot holds every change up to it; changes
        // after it arrive on the stream and overwrite the snapshot's rows in order.
        var items = new List<CachedItem>();
        var token = string.Empty;
        do
        {
            var page = await inventory.ListItemsAsync(
                new ListItemsRequest { Page = new PageRequest { PageSize = SnapshotPageSize, PageToken = token } },
                cancellationToken: cancellationToken);
            items.AddRange(page.Items.Select(item => ToCachedItem(item, head)));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        await cache.ReplaceAsync(Name, items, head);
        logger.LogInformation("Catalog cache resynchronised: {Count} items at inventory sequence {Head}", items.Count, head);
        _head = head;
        ReportPosition(head, head, caughtUp: true);
        await ApplyAsync(stream, silence, head);
    }

    private async Task ApplyAsync(IAsyncStreamReader<WatchInventoryResponse> stream, FeedSilenceGuard silence, long cursor)
    {
        _streaming = true;
        var batch = new List<CachedItem>();
        var traceParents = new List<string>();
        while (true)
        {
            // Apply what has arrived before waiting for more, so a burst becomes one transaction
            // and a lone event is applied at once.
            var next = silence.MoveNextAsync(stream);
            if (!next.IsCompleted && batch.Count > 0)
            {
                cursor = await FlushAsync(batch, traceParents, cursor);
            }

            if (!await next)
            {
                break;
            }

            var message = stream.Current;
            switch (message.KindCase)
            {
                case WatchInventoryResponse.KindOneofCase.Event:
                    batch.Add(ToCachedItem(message.Event));
                    traceParents.Add(message.Event.TraceParent);
                    if (batch.Count >= MaxBatch)
                    {
                        cursor = await FlushAsync(batch, traceParents, cursor);
                    }

                    break;
                case WatchInventoryResponse.KindOneofCase.Heartbeat:
                    cursor = await FlushAsync(batch, traceParents, cursor);
                    _head = message.Heartbeat.HeadSequence;
                    if (_head > cursor)
                    {
                        // Every change up to the head has been delivered; remember that, so a
                        // restart does not ask for them again.
                        await cache.AdvanceAsync(Name, _head);
                        cursor = _head;
                    }

                    ReportPosition(cursor, _head, caughtUp: true);
                    break;
                default:
                    // A kind this build does not know: skipping it is what protobuf's forward compatibility intends.
                    logger.LogDebug("Ignoring a WatchInventory message of unknown kind {Kind}", message.KindCase);
                    break;
            }
        }

        await FlushAsync(batch, traceParents, cursor);
    }

    // The events' trace contexts come along so the span that applies them links to their traces.
    private async Task<long> FlushAsync(List<CachedItem> batch, List<string> traceParents, long cursor)
    {
        if (batch.Count == 0)
        {
            return cursor;
        }

        var applied = await EventTrace.ProcessAsync("process inventory events", "mesh.feed", "inventory", traceParents, () => cache.ApplyAsync(Name, batch));
        batch.Clear();
        traceParents.Clear();
        ReportPosition(applied, Math.Max(_head, applied), IsCaughtUp);
        return applied;
    }

    private static CachedItem ToCachedItem(InventoryEvent change) =>
        ToCachedItem(change.Item ?? throw new InvalidOperationException($"inventory event {change.Sequence} carries no item"), change.Sequence);

    private static CachedItem ToCachedItem(Item item, long sequence)
    {
        var price = item.UnitPrice ?? throw new InvalidOperationException($"inventory sent item '{item.Sku}' without a unit price");
        return new CachedItem(item.Sku, item.Name, price.CurrencyCode, price.AmountMinor, item.AvailableQuantity, item.ReservedQuantity, sequence);
    }
}
