using Grpc.Net.Client;
using Mesh.Common.V1;
using Mesh.Inventory.Api;
using Mesh.Inventory.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Inventory.Tests.Support;

/// <summary>
/// One in-process inventory service on its own database (SQLite, or PostgreSQL when created so),
/// with a manual clock and a client.
/// </summary>
public sealed class InventoryHost : IDisposable, IAsyncDisposable
{
    /// <summary>The instant the manual clock starts at.</summary>
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly GrpcChannel _channel;
    private readonly PostgresServer.TestDatabase? _postgres;

    /// <param name="databasePath">A database file the caller owns (kept on dispose); null for a fresh temporary one.</param>
    /// <param name="configure">Settings or services on top of the defaults.</param>
    public InventoryHost(string? databasePath = null, Action<MeshServiceFactory<InventoryGrpcService>>? configure = null)
        : this(databasePath, configure, null)
    {
    }

    private InventoryHost(
        string? databasePath, Action<MeshServiceFactory<InventoryGrpcService>>? configure, PostgresServer.TestDatabase? postgres)
    {
        Time = new ManualTimeProvider(Start);
        Factory = (databasePath is null ? new MeshServiceFactory<InventoryGrpcService>() : new MeshServiceFactory<InventoryGrpcService>(databasePath))
            .WithSetting("Logging:LogLevel:Default", "Warning")
            .WithServices(services => services.AddSingleton<TimeProvider>(Time));
        _postgres = postgres;
        if (postgres is not null)
        {
            Factory.WithPostgres(postgres.ConnectionString);
        }

        configure?.Invoke(Factory);
        _channel = Factory.CreateChannel();
        Client = new InventoryService.InventoryServiceClient(_channel);
    }

    /// <summary>A host on a fresh temporary SQLite file, or on a fresh PostgreSQL database it drops on dispose.</summary>
    public static async Task<InventoryHost> CreateAsync(bool postgres, Action<MeshServiceFactory<InventoryGrpcService>>? configure = null) =>
        postgres ? new InventoryHost(null, configure, await PostgresServer.CreateDatabaseAsync()) : new InventoryHost(configure: configure);

    public ManualTimeProvider Time { get; }

    public MeshServiceFactory<InventoryGrpcService> Factory { get; }

    public InventoryService.InventoryServiceClient Client { get; }

    public GrpcChannel Channel => _channel;

    /// <summary>The database file the service uses.</summary>
    public string DatabasePath => Factory.DatabasePath;

    /// <summary>A sku no other test uses.</summary>
    /// <summary>A reservation id shaped like the ones orders uses.</summary>
    public static string NewReservationId() => "order:" + Guid.NewGuid();

    public static string NewSku(string prefix = "T") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 21, 64)];

    public static CreateItemRequest ItemRequest(string sku, long quantity, long priceMinor = 1250, string name = "Test item", string currency = "EUR") => new()
    {
        Sku = sku,
        Name = name,
        UnitPrice = new Money { CurrencyCode = currency, AmountMinor = priceMinor },
        InitialQuantity = quantity,
    };

    public async Task<Item> CreateItemAsync(string sku, long quantity, long priceMinor = 1250) =>
        (await Client.CreateItemAsync(ItemRequest(sku, quantity, priceMinor))).Item;

    public async Task<Item> GetItemAsync(string sku) => (await Client.GetItemAsync(new GetItemRequest { Sku = sku })).Item;

    public static ReserveStockRequest ReserveRequest(string reservationId, params (string Sku, long Quantity)[] lines)
    {
        var request = new ReserveStockRequest { ReservationId = reservationId };
        request.Lines.AddRange(lines.Select(line => new ReservationLine { Sku = line.Sku, Quantity = line.Quantity }));
        return request;
    }

    public async Task<Reservation> ReserveAsync(string reservationId, params (string Sku, long Quantity)[] lines) =>
        (await Client.ReserveStockAsync(ReserveRequest(reservationId, lines))).Reservation;

    public Task<string> SnapshotAsync() =>
        _postgres is null ? DatabaseSnapshot.TakeAsync(DatabasePath) : DatabaseSnapshot.TakePostgresAsync(_postgres.ConnectionString);

    /// <summary>Opens a WatchInventory stream; dispose it to cancel the call.</summary>
    public InventoryFeedReader Watch(long afterSequence, IEnumerable<string>? skus = null, bool startAtHead = false) =>
        new(Client, InventoryFeedReader.Request(afterSequence, skus, startAtHead));

    /// <summary>The feed's head: the heartbeat a stream from the head starts with.</summary>
    public async Task<long> HeadAsync()
    {
        using var reader = Watch(0, startAtHead: true);
        await reader.ReadToNextHeartbeatAsync();
        return reader.Heartbeats[0].HeadSequence;
    }

    /// <summary>The stored events after <paramref name="afterSequence"/> of <paramref name="skus"/> (all when none).</summary>
    public async Task<IReadOnlyList<InventoryEvent>> EventsAfterAsync(long afterSequence, params string[] skus)
    {
        using var reader = Watch(afterSequence, skus);
        await reader.ReadToNextHeartbeatAsync();
        return reader.Events;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Factory.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
