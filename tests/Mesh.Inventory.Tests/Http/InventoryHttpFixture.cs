using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Http;

/// <summary>One inventory service on real Kestrel (gRPC and HTTP/1.1 listeners) per test class.</summary>
public sealed class InventoryHttpFixture : IAsyncLifetime
{
    /// <summary>The browser origin the service allows by CORS in these tests.</summary>
    public const string AllowedOrigin = "http://app.example.test";

    public KestrelService<InventoryOptions> Service { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public InventoryService.InventoryServiceClient Grpc { get; private set; } = null!;

    /// <summary>The service's SQLite file, for snapshots proving a refused call stored nothing.</summary>
    public string DatabasePath => Service.Factory.DatabasePath;

    public Task InitializeAsync()
    {
        Service = KestrelService<InventoryOptions>.Start(new MeshServiceFactory<InventoryOptions>()
            .WithSetting("Mesh:Http:CorsOrigins:0", AllowedOrigin));
        Http = Service.CreateHttpClient();
        Grpc = new InventoryService.InventoryServiceClient(Service.CreateGrpcChannel());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Service.DisposeAsync();
    }

    /// <summary>A sku no other test uses.</summary>
    public static string NewSku(string prefix = "REST") => $"{prefix}-{Guid.NewGuid():N}"[..30];

    /// <summary>Creates an item over gRPC (the path under test is REST; this is set-up).</summary>
    public async Task<Item> CreateItemAsync(string sku, long quantity = 10, long priceMinor = 1250) =>
        (await Grpc.CreateItemAsync(new CreateItemRequest
        {
            Sku = sku,
            Name = "Item " + sku,
            UnitPrice = new Common.V1.Money { CurrencyCode = "USD", AmountMinor = priceMinor },
            InitialQuantity = quantity,
        })).Item;
}
