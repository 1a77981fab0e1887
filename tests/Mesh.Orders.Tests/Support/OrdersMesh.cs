using Grpc.AspNetCore.Server;
using Grpc.Net.Client;
using Grpc.Net.ClientFactory;
using Mesh.Common.V1;
using Mesh.Inventory.Api;
using Mesh.Inventory.V1;
using Mesh.Orders.Api;
using Mesh.Orders.Domain;
using Mesh.Orders.Feeds;
using Mesh.Orders.Storage;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Users.Api;
using Mesh.Users.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mesh.Orders.Tests.Support;

/// <summary>
/// Users, inventory and orders hosted in-process, each on its own TestServer and temporary
/// database; orders' clients reach the other two through their TestServer handlers. Users and
/// inventory carry a <see cref="FaultPlan"/>; orders runs on a clock tests can shift, and its
/// feeds from inventory and users can be cut (<see cref="InventoryFeed"/>, <see cref="UsersFeed"/>). Orders keeps its data
/// in a SQLite file, or in a PostgreSQL database that further replicas
/// (<see cref="CreateOrdersReplica"/>) share.
/// </summary>
public sealed class OrdersMesh : IDisposable
{
    private GrpcChannel? _usersChannel;
    private GrpcChannel? _inventoryChannel;
    private GrpcChannel? _ordersChannel;

    private readonly IReadOnlyDictionary<string, string> _ordersSettings;
    private readonly string? _ordersDatabasePath;
    private readonly string? _ordersPostgres;

    /// <param name="ordersDatabasePath">Orders' database file, for tests that restart orders on it; a temporary one if null.</param>
    /// <param name="ordersSettings">Configuration for the orders host only.</param>
    /// <param name="ordersPostgres">Orders' PostgreSQL database (a connection string) instead of a SQLite file.</param>
    public OrdersMesh(string? ordersDatabasePath = null, IReadOnlyDictionary<string, string>? ordersSettings = null, string? ordersPostgres = null)
    {
        _ordersSettings = ordersSettings ?? new Dictionary<string, string>();
        _ordersDatabasePath = ordersDatabasePath;
        _ordersPostgres = ordersPostgres;
        UsersHost = new MeshServiceFactory<UserGrpcService>().WithServices(services => AddFaults(services, UserFaults));
        InventoryHost = new MeshServiceFactory<InventoryGrpcService>().WithServices(services => AddFaults(services, InventoryFaults));
        OrdersHost = CreateOrdersHost(ordersDatabasePath);
    }

    public FaultPlan UserFaults { get; } = new();

    public FaultPlan InventoryFaults { get; } = new();

    public ShiftedTimeProvider OrdersClock { get; } = new();

    public FeedSwitch<WatchInventoryRequest> InventoryFeed { get; } = new();

    public FeedSwitch<WatchUsersRequest> UsersFeed { get; } = new();

    public MeshServiceFactory<UserGrpcService> UsersHost { get; }

    public MeshServiceFactory<InventoryGrpcService> InventoryHost { get; }

    public MeshServiceFactory<OrderGrpcService> OrdersHost { get; private set; }

    public UserService.UserServiceClient Users => new(_usersChannel ??= UsersHost.CreateChannel());

    public InventoryService.InventoryServiceClient Inventory => new(_inventoryChannel ??= InventoryHost.CreateChannel());

    public OrderService.OrderServiceClient Orders => new(_ordersChannel ??= OrdersHost.CreateChannel());

    /// <summary>Stops orders and starts it again on the database at <paramref name="databasePath"/>.</summary>
    public void RestartOrders(string databasePath) => Restart(databasePath);

    /// <summary>Stops orders and starts it again on the same database (its file, or its PostgreSQL database).</summary>
    public void RestartOrders()
    {
        if (_ordersPostgres is null && _ordersDatabasePath is null)
        {
            throw new InvalidOperationException("a temporary database does not outlive its host");
        }

        Restart(_ordersDatabasePath);
    }

    /// <summary>
    /// Another orders replica on the same PostgreSQL database, with the same clock and the same
    /// users and inventory behind it; the caller disposes it.
    /// </summary>
    public MeshServiceFactory<OrderGrpcService> CreateOrdersReplica()
    {
        if (_ordersPostgres is null)
        {
            throw new InvalidOperationException("only a PostgreSQL database is shared by replicas");
        }

        return CreateOrdersHost(null);
    }

    public void ClearFaults()
    {
        UserFaults.Clear();
        InventoryFaults.Clear();
        OrdersClock.Offset = TimeSpan.Zero;
        InventoryFeed.Restore();
        UsersFeed.Restore();
    }

    public async Task<string> CreateUserAsync()
    {
        var response = await Users.CreateUserAsync(new CreateUserRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Email = $"buyer-{Guid.NewGuid():N}@example.test",
            DisplayName = "Test Buyer",
        });
        return response.User.UserId;
    }

    public async Task DeactivateUserAsync(string userId) =>
        await Users.DeactivateUserAsync(new DeactivateUserRequest { UserId = userId });

    public async Task<string> CreateItemAsync(long quantity, long priceMinor = 250, string currency = "USD", string name = "Test item")
    {
        var sku = "sku-" + Guid.NewGuid().ToString("N")[..16];
        await Inventory.CreateItemAsync(new CreateItemRequest
        {
            Sku = sku,
            Name = name,
            UnitPrice = new Money { CurrencyCode = currency, AmountMinor = priceMinor },
            InitialQuantity = quantity,
        });
        return sku;
    }

    /// <summary>(available, reserved) units of <paramref name="sku"/>.</summary>
    /// <summary>
    /// Holds <paramref name="quantity"/> of <paramref name="sku"/> under the order's reservation id and
    /// releases it again: a hold gone unsold, as one made by an orders version that held before it
    /// committed leaves it behind.
    /// </summary>
    public async Task HoldAndReleaseForOrderAsync(string orderId, string sku, long quantity)
    {
        var reservationId = ReservationIds.ForOrder(orderId);
        await Inventory.ReserveStockAsync(new ReserveStockRequest
        {
            ReservationId = reservationId,
            Lines = { new ReservationLine { Sku = sku, Quantity = quantity } },
        });
        await Inventory.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = reservationId });
    }

    public async Task<(long Available, long Reserved)> StockAsync(string sku)
    {
        var item = (await Inventory.GetItemAsync(new GetItemRequest { Sku = sku })).Item;
        return (item.AvailableQuantity, item.ReservedQuantity);
    }

    public async Task<IReadOnlyList<Order>> OrdersOfAsync(string userId) =>
        (await Orders.ListOrdersAsync(new ListOrdersRequest { UserId = userId, Page = new PageRequest { PageSize = 200 } })).Orders;

    /// <summary>The newest sequence in the order event log.</summary>
    public async Task<long> OrderEventHeadAsync() =>
        (await Orders.ListOrderEventsAsync(new ListOrderEventsRequest { PageSize = 1 })).HeadSequence;

    /// <summary>Every order event after <paramref name="afterSequence"/>, read page by page.</summary>
    public async Task<IReadOnlyList<OrderEvent>> OrderEventsAfterAsync(long afterSequence)
    {
        var events = new List<OrderEvent>();
        while (true)
        {
            var page = await Orders.ListOrderEventsAsync(new ListOrderEventsRequest { AfterSequence = afterSequence, PageSize = 1000 });
            if (page.Events.Count == 0)
            {
                return events;
            }

            events.AddRange(page.Events);
            afterSequence = page.Events[^1].Sequence;
        }
    }

    /// <summary>Orders' consumer of inventory's feed, which fills the catalog cache.</summary>
    public InventoryCatalogConsumer CatalogFeed => OrdersHost.Services.GetRequiredService<InventoryCatalogConsumer>();

    /// <summary>Waits until the catalog feed is live and the cache holds <paramref name="sku"/> (as <paramref name="until"/> wants it).</summary>
    public async Task<CachedItem> CachedItemAsync(string sku, Func<CachedItem, bool>? until = null)
    {
        CachedItem? item = null;
        await Eventually.HoldsAsync(async () =>
        {
            var found = await OrdersHost.Services.GetRequiredService<CatalogCacheStore>().FindAsync([sku], CancellationToken.None);
            item = found.GetValueOrDefault(sku);
            return CatalogFeed.IsLive && item is not null && (until is null || until(item));
        }, $"the catalog cache holds {sku}", TimeSpan.FromSeconds(15));
        return item!;
    }

    /// <summary>Orders' consumer of users' feed, which keeps the users it has checked current.</summary>
    public UserDirectory UserDirectory => OrdersHost.Services.GetRequiredService<UserDirectory>();

    /// <summary>Waits until orders' user directory follows users' feed, level with it.</summary>
    public Task UserDirectoryLiveAsync() =>
        Eventually.HoldsAsync(() => UserDirectory.IsLive, "the users feed is live", TimeSpan.FromSeconds(15));

    /// <summary>Waits until orders' user directory holds <paramref name="userId"/>, loading it as an order's user check would.</summary>
    public Task UserKnownAsync(string userId) =>
        Eventually.HoldsAsync(async () =>
        {
            await UserDirectory.FindAsync(userId, Users, static async (id, users, token) =>
                (await users.GetUserAsync(new GetUserRequest { UserId = id }, cancellationToken: token)).User, CancellationToken.None);
            return UserDirectory.TryFind(userId, out _);
        }, $"orders' user directory holds {userId}", TimeSpan.FromSeconds(15));

    /// <summary>Cuts the users feed and waits until orders has noticed.</summary>
    public async Task CutUsersFeedAsync()
    {
        UsersFeed.Cut();
        await Eventually.HoldsAsync(() => !UserDirectory.IsLive, "the users feed is down", TimeSpan.FromSeconds(10));
    }

    /// <summary>Cuts the catalog feed and waits until orders has noticed.</summary>
    public async Task CutInventoryFeedAsync()
    {
        InventoryFeed.Cut();
        await Eventually.HoldsAsync(() => !CatalogFeed.IsLive, "the catalog feed is down", TimeSpan.FromSeconds(10));
    }

    /// <summary>Every stored order row and line of the orders database as text, to prove a call changed nothing.</summary>
    public string OrdersSnapshot() => _ordersPostgres is null ? Snapshot(OrdersDatabasePath) : PostgresSnapshot(_ordersPostgres);

    public string OrdersDatabasePath => OrdersHost.Services.GetRequiredService<Mesh.Storage.Sqlite.SqliteDatabase>().Path;

    public static string Snapshot(string databasePath)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT o.sequence || '|' || o.order_id || '|' || o.request_id || '|' || o.state || '|' || o.reason || '|'
                   || ifnull(o.total_minor, '-') || '|' || o.update_time_ms || '|' || ifnull(hex(o.rejection_status), '-')
                   || '|' || (SELECT group_concat(l.sku || 'x' || l.quantity || '@' || ifnull(l.unit_price_minor, '-'), ',')
                              FROM order_lines l WHERE l.order_id = o.order_id)
            FROM orders o ORDER BY o.sequence;
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join('\n', rows);
    }

    private static string PostgresSnapshot(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("""
            SELECT o.sequence || '|' || o.order_id || '|' || o.request_id || '|' || o.state || '|' || o.reason || '|'
                   || coalesce(o.total_minor::text, '-') || '|' || o.update_time_ms || '|' || coalesce(encode(o.rejection_status, 'hex'), '-')
                   || '|' || coalesce((SELECT string_agg(l.sku || 'x' || l.quantity || '@' || coalesce(l.unit_price_minor::text, '-'), ',' ORDER BY l.line_no)
                              FROM order_lines l WHERE l.order_id = o.order_id), '')
            FROM orders o ORDER BY o.sequence;
            """, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join('\n', rows);
    }

    public void Dispose()
    {
        _ordersChannel?.Dispose();
        _usersChannel?.Dispose();
        _inventoryChannel?.Dispose();
        OrdersHost.Dispose();
        InventoryHost.Dispose();
        UsersHost.Dispose();
    }

    private void Restart(string? databasePath)
    {
        _ordersChannel?.Dispose();
        _ordersChannel = null;
        OrdersHost.Dispose();
        OrdersHost = CreateOrdersHost(databasePath);
    }

    private static void AddFaults(IServiceCollection services, FaultPlan plan)
    {
        services.AddSingleton(plan);
        services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<FaultInjectionInterceptor>());
    }

    private MeshServiceFactory<OrderGrpcService> CreateOrdersHost(string? databasePath)
    {
        // Users and inventory start first, once: orders' feed consumers reach them as soon as orders
        // starts, and a factory's first start raced by a test's own first call would migrate twice.
        _ = UsersHost.Server;
        _ = InventoryHost.Server;
        var host = new MeshServiceFactory<OrderGrpcService>()
            .WithSetting("Mesh:Services:Users:Address", "http://localhost")
            .WithSetting("Mesh:Services:Inventory:Address", "http://localhost")
            .WithServices(services =>
            {
                services.AddSingleton<TimeProvider>(OrdersClock);
                Route<UserService.UserServiceClient>(services, () => UsersHost.Server.CreateHandler());
                Route<InventoryService.InventoryServiceClient>(services, () => InventoryHost.Server.CreateHandler());
                services.Configure<GrpcClientFactoryOptions>(nameof(InventoryService.InventoryServiceClient), options =>
                    options.InterceptorRegistrations.Add(new Grpc.Net.ClientFactory.InterceptorRegistration(InterceptorScope.Client, _ => InventoryFeed)));
                services.Configure<GrpcClientFactoryOptions>(nameof(UserService.UserServiceClient), options =>
                    options.InterceptorRegistrations.Add(new Grpc.Net.ClientFactory.InterceptorRegistration(InterceptorScope.Client, _ => UsersFeed)));
            });
        if (_ordersPostgres is not null)
        {
            host.WithPostgres(_ordersPostgres);
        }
        else if (databasePath is not null)
        {
            host.WithSetting("Mesh:Storage:Path", databasePath);
        }

        foreach (var (key, value) in _ordersSettings)
        {
            host.WithSetting(key, value);
        }

        return host;
    }

    // Sends the client's calls into another TestServer. grpc-dotnet refuses client-side load
    // balancing over a non-socket handler, so (in tests only) the round-robin config is dropped.
    private static void Route<TClient>(IServiceCollection services, Func<HttpMessageHandler> handler)
    {
        var name = typeof(TClient).Name;
        services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(handler);
        services.Configure<GrpcClientFactoryOptions>(name, options =>
            options.ChannelOptionsActions.Add(channel => channel.ServiceConfig?.LoadBalancingConfigs.Clear()));
    }
}
