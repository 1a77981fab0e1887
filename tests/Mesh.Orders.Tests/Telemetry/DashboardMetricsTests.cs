using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Common.V1;
using Mesh.Inventory.Api;
using Mesh.Inventory.V1;
using Mesh.Orders.Api;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Messaging;
using Mesh.Testing.Monitoring;
using Mesh.Users.Api;
using Mesh.Users.V1;

namespace Mesh.Orders.Tests.Telemetry;

/// <summary>
/// The chart's dashboard and alerts must not rot: the three services run on real Kestrel, traffic
/// makes every metric they can export appear (a confirmed and a rejected order, an open feed
/// stream, an expired reservation, a malformed request), and their /metrics scrapes must carry
/// every metric name that a dashboard panel, a dashboard variable or an alert rule queries, with
/// every label those queries match or group by. Series from elsewhere (Prometheus' up,
/// kube-state-metrics) and the labels Prometheus adds to a target are named in
/// <see cref="MonitoringQueries"/>, and nowhere else.
/// </summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed class DashboardMetricsTests : IAsyncLifetime
{
    private static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(20);

    private KestrelService<UserGrpcService> _users = null!;
    private KestrelService<InventoryGrpcService> _inventory = null!;
    private KestrelService<OrderGrpcService> _orders = null!;
    private string _brokerUrl = null!;
    private string _exchange = null!;

    public async Task InitializeAsync()
    {
        if (TestBroker.SkipReason is not null)
        {
            return; // the test is skipped and starts nothing
        }

        // Messaging on, users on the broker transport: the relays and the consumer export their metrics too.
        _brokerUrl = await TestBroker.UrlAsync();
        _exchange = TestBroker.UniqueName("events");
        _users = KestrelService<UserGrpcService>.Start(new MeshServiceFactory<UserGrpcService>()
            .WithMessaging(_brokerUrl, _exchange)
            .WithSetting("Mesh:Users:OrderStats:Transport", "broker")
            .WithSetting("Mesh:Users:OrderStats:Queue", TestBroker.UniqueName("order-stats")));
        // Expired holds are swept often, so a 1 s reservation is counted within the test's wait.
        _inventory = KestrelService<InventoryGrpcService>.Start(new MeshServiceFactory<InventoryGrpcService>()
            .WithMessaging(_brokerUrl, _exchange)
            .WithSetting("Mesh:Inventory:ExpirySweepInterval", "00:00:00.100"));
        _orders = KestrelService<OrderGrpcService>.Start(new MeshServiceFactory<OrderGrpcService>()
            .WithMessaging(_brokerUrl, _exchange)
            .WithSetting("Mesh:Services:Users:Address", _users.GrpcAddress.ToString())
            .WithSetting("Mesh:Services:Inventory:Address", _inventory.GrpcAddress.ToString()));
    }

    public async Task DisposeAsync()
    {
        if (_users is null)
        {
            return;
        }

        await _orders.DisposeAsync();
        await _inventory.DisposeAsync();
        await _users.DisposeAsync();
    }

    [BrokerFact]
    public async Task DashboardAndAlerts_EveryQueriedMetricAndLabel_IsExportedByTheServices()
    {
        var queries = MonitoringQueries.FromRepository();
        var parsed = queries.Select(query => (Query: query, PromQl: query.Parse())).ToList();
        // Both sources were read: a reader that found nothing would pass everything.
        Assert.True(queries.Count(query => query.Source.StartsWith("dashboard panel", StringComparison.Ordinal)) >= 20, string.Join("\n", queries));
        Assert.Contains(queries, query => query.Source.StartsWith("dashboard variable", StringComparison.Ordinal));
        Assert.Equal(8, queries.Count(query => query.Source.StartsWith("alert ", StringComparison.Ordinal)));
        var queried = parsed.SelectMany(query => query.PromQl.Metrics).ToHashSet(StringComparer.Ordinal);
        // Every exclusion is still queried somewhere: an unused one would only hide a mistake.
        Assert.Empty(MonitoringQueries.ExternalMetrics.Except(queried).Order(StringComparer.Ordinal));

        using var usersChannel = _users.CreateGrpcChannel();
        using var inventoryChannel = _inventory.CreateGrpcChannel();
        using var ordersChannel = _orders.CreateGrpcChannel();
        using var stopFeed = new CancellationTokenSource();
        var feed = FollowInventoryFeedAsync(inventoryChannel, stopFeed.Token);
        await DriveTrafficAsync(usersChannel, inventoryChannel, ordersChannel);
        await DriveMessagingAsync();

        var ours = queried.Except(MonitoringQueries.ExternalMetrics).ToHashSet(StringComparer.Ordinal);
        var scrape = await Eventually.ReadUntilAsync(ScrapeAllAsync, scraped => ours.All(scraped.Has), ScrapeWait);
        await stopFeed.CancelAsync();
        await feed;

        var missing = ours.Where(metric => !scrape.Has(metric))
            .Select(metric => $"{metric} (queried by {string.Join("; ", parsed.Where(query => query.PromQl.Metrics.Contains(metric)).Select(query => query.Query.Source))})")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(missing.Count == 0, "queried but exported by no service:\n" + string.Join("\n", missing));

        var unknownLabels = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (query, promQl) in parsed)
        {
            var uses = promQl.Selectors.SelectMany(selector => selector.Matchers.Select(matcher => (selector.Metric, matcher.Label, How: "matched")))
                .Concat(promQl.Groupings.SelectMany(grouping => grouping.Metrics.SelectMany(metric => grouping.Labels.Select(label => (Metric: metric, Label: label, How: $"{grouping.Keyword} (...)")))));
            foreach (var (metric, label, how) in uses)
            {
                if (!MonitoringQueries.ExternalMetrics.Contains(metric) && !MonitoringQueries.TargetLabels.Contains(label)
                    && !scrape.LabelsOf(metric).Contains(label))
                {
                    unknownLabels.Add($"{metric} has no label {label} ({how} in {query.Source}); it has: {string.Join(", ", scrape.LabelsOf(metric).Order(StringComparer.Ordinal))}");
                }
            }
        }

        Assert.True(unknownLabels.Count == 0, "labels the services do not export:\n" + string.Join("\n", unknownLabels));

        // The traffic did what it was for, so the checks above ran against real values.
        Assert.Contains(scrape.Samples, sample => sample.Name == "mesh_orders_saga_outcomes_total" && sample.Labels["outcome"] == "confirmed");
        Assert.Contains(scrape.Samples, sample => sample.Name == "mesh_orders_saga_outcomes_total" && sample.Labels["outcome"] == "rejected");
        Assert.Contains(scrape.Samples, sample => sample.Name == "rpc_server_duration_milliseconds_count" && sample.Labels["rpc_grpc_status_code"] != "0");
        Assert.Contains(scrape.Samples, sample => sample.Name == "mesh_messaging_dead_lettered_total" && sample.Labels["reason"] == "unparseable");
        Assert.Contains(scrape.Samples, sample => sample.Name == "mesh_relay_published_total" && sample.Labels["log"] == "orders" && sample.Value != "0");
    }

    /// <summary>A confirmed order, a rejected one (more than in stock), a hold left to expire, and a body that does not parse.</summary>
    private static async Task DriveTrafficAsync(GrpcChannel usersChannel, GrpcChannel inventoryChannel, GrpcChannel ordersChannel)
    {
        var inventory = new InventoryService.InventoryServiceClient(inventoryChannel);
        var orders = new OrderService.OrderServiceClient(ordersChannel);
        var user = await new UserService.UserServiceClient(usersChannel).CreateUserAsync(new CreateUserRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Email = $"dashboard-{Guid.NewGuid():N}@example.test",
            DisplayName = "Dashboard",
        });
        var sku = "DASH-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await inventory.CreateItemAsync(new CreateItemRequest
        {
            Sku = sku,
            Name = "Dashboard item",
            UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = 250 },
            InitialQuantity = 5,
        });

        var confirmed = await orders.PlaceOrderAsync(new PlaceOrderRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            UserId = user.User.UserId,
            Lines = { new PlaceOrderLine { Sku = sku, Quantity = 2 } },
        });
        Assert.Equal(OrderState.Confirmed, confirmed.Order.State);
        await Assert.ThrowsAsync<RpcException>(() => orders.PlaceOrderAsync(new PlaceOrderRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            UserId = user.User.UserId,
            Lines = { new PlaceOrderLine { Sku = sku, Quantity = 100 } },
        }).ResponseAsync);

        await inventory.ReserveStockAsync(new ReserveStockRequest
        {
            ReservationId = "dashboard:" + Guid.NewGuid().ToString("N"),
            Lines = { new ReservationLine { Sku = sku, Quantity = 1 } },
            Ttl = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
        });

        var malformed = await RawGrpc.CallAsync(inventoryChannel.CreateCallInvoker(), "/mesh.inventory.v1.InventoryService/CreateItem",
            serverStreaming: false, [0x0A, 0x7F, (byte)'a'], TimeSpan.FromSeconds(10));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }

    /// <summary>What only a broker shows: an order event delivered twice (a duplicate) and a body that does not parse (a dead letter).</summary>
    private async Task DriveMessagingAsync()
    {
        await using var publisher = await BrokerPublisher.ConnectAsync(_brokerUrl, _exchange);
        var rejected = new OrderEvent
        {
            Sequence = 1_000_000,
            Type = OrderEventType.OrderRejected,
            Order = new Order { OrderId = Guid.NewGuid().ToString(), UserId = Guid.NewGuid().ToString(), State = OrderState.Rejected },
        };
        await publisher.PublishAsync("orders.order.rejected", "dashboard:duplicate", rejected);
        await publisher.PublishAsync("orders.order.rejected", "dashboard:duplicate", rejected);
        await publisher.PublishRawAsync("orders.order.confirmed", "dashboard:poison", OrderEvent.Descriptor.FullName, [0xFF, 0xFF]);
    }

    /// <summary>Keeps a WatchInventory stream open (a feed subscriber) until stopped.</summary>
    private static async Task FollowInventoryFeedAsync(GrpcChannel channel, CancellationToken stop)
    {
        using var call = new InventoryService.InventoryServiceClient(channel).WatchInventory(
            new WatchInventoryRequest { StartAtHead = true }, cancellationToken: stop);
        try
        {
            while (await call.ResponseStream.MoveNext(stop))
            {
            }
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested)
        {
            // Stopped by the test.
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by the test.
        }
    }

    private async Task<PrometheusScrape> ScrapeAllAsync()
    {
        var scrapes = await Task.WhenAll(new[] { _users.MetricsAddress, _inventory.MetricsAddress, _orders.MetricsAddress }.Select(ScrapeAsync));
        return PrometheusScrape.Combine(scrapes);
    }

    private static async Task<PrometheusScrape> ScrapeAsync(Uri metricsAddress)
    {
        using var scraper = new HttpClient { BaseAddress = metricsAddress, Timeout = TimeSpan.FromSeconds(10) };
        return PrometheusScrape.Parse(await scraper.GetStringAsync("/metrics"));
    }
}
