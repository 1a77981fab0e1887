using Grpc.Net.Client;
using Mesh.Common.V1;
using Mesh.Inventory.Api;
using Mesh.Inventory.V1;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Inventory.Tests.Support;

/// <summary>
/// One in-process inventory service on its own database, with a manual clock and a client.
/// </summary>
public sealed class InventoryHost : IDisposable
{
    /// <summary>The instant the manual clock starts at.</summary>
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly GrpcChannel _channel;

    /// <param name="databasePath">A database file the caller owns (kept on dispose); null for a fresh temporary one.</param>
    /// <param name="configure">Settings or services on top of the defaults.</param>
    public InventoryHost(string? databasePath = null, Action<MeshServiceFactory<InventoryGrpcService>>? configure = null)
    {
        Time = new ManualTimeProvider(Start);
        Factory = (databasePath is null ? new MeshServiceFactory<InventoryGrpcService>() : new MeshServiceFactory<InventoryGrpcService>(databasePath))
            .WithSetting("Logging:LogLevel:Default", "Warning")
            .WithServices(services => services.AddSingleton<TimeProvider>(Time));
        configure?.Invoke(Factory);
        _channel = Factory.CreateChannel();
        Client = new InventoryService.InventoryServiceClient(_channel);
    }

    public ManualTimeProvider Time { get; }

    public MeshServiceFactory<InventoryGrpcService> Factory { get; }

    public InventoryService.InventoryServiceClient Client { get; }

    public GrpcChannel Channel => _channel;

    /// <summary>The database file the service uses.</summary>
    public string DatabasePath => Factory.DatabasePath;

    /// <summary>A sku no other test uses.</summary>
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

    public Task<string> SnapshotAsync() => DatabaseSnapshot.TakeAsync(DatabasePath);

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

    public void Dispose()
    {
        _channel.Dispose();
        Factory.Dispose();
    }
}
