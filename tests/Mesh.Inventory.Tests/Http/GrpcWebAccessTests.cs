using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Security;
using Mesh.Testing;
using Mesh.Testing.Security;

namespace Mesh.Inventory.Tests.Http;

/// <summary>
/// Access control over gRPC-Web (a browser's path to the same methods, on the HTTP/1.1 port): the
/// same gate as gRPC and REST — no token is UNAUTHENTICATED, a person may read the catalogue but
/// not write it, an admin may.
/// </summary>
public sealed class GrpcWebAccessTests : IAsyncLifetime
{
    private readonly TestTokens _tokens = new();
    private KestrelService<InventoryOptions> _service = null!;
    private GrpcChannel _channel = null!;

    public Task InitializeAsync()
    {
        var factory = new MeshServiceFactory<InventoryOptions>().WithSettings(_tokens.ServiceSettings("orders"));

        _service = KestrelService<InventoryOptions>.Start(factory);
        _channel = GrpcChannel.ForAddress(_service.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWebText, new HttpClientHandler()),
            // A browser's gRPC-Web is HTTP/1.1, the only protocol of that port.
            HttpVersion = new Version(1, 1),
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _service.DisposeAsync();
        _tokens.Dispose();
    }

    [Fact]
    public async Task GrpcWeb_CallsPassTheSameGateAsGrpcAndRest()
    {
        var inventory = new InventoryService.InventoryServiceClient(_channel);
        var admin = Bearer(_tokens.Person(Guid.NewGuid().ToString(), MeshCaller.AdminRole));
        var person = Bearer(_tokens.Person(Guid.NewGuid().ToString()));
        var sku = InventoryHttpFixture.NewSku("WEB");
        CreateItemRequest Create() => new()
        {
            Sku = sku,
            Name = "Sold to browsers",
            UnitPrice = new Common.V1.Money { CurrencyCode = "USD", AmountMinor = 250 },
            InitialQuantity = 3,
        };

        var anonymous = await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => inventory.ListItemsAsync(new ListItemsRequest()).ResponseAsync);
        Assert.Equal("UNAUTHENTICATED", RpcAssert.Reason(anonymous));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => inventory.CreateItemAsync(Create(), person).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => inventory.GetItemAsync(new GetItemRequest { Sku = sku }, admin).ResponseAsync);

        await inventory.CreateItemAsync(Create(), admin);
        var read = await inventory.GetItemAsync(new GetItemRequest { Sku = sku }, person);
        Assert.Equal(3, read.Item.AvailableQuantity);
    }

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };
}
