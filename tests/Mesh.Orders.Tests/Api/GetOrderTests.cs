using Grpc.Core;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Api;

/// <summary>GetOrder: found in any id case, NOT_FOUND for unknown ids, INVALID_ARGUMENT for malformed ones.</summary>
public abstract class GetOrderTests
{
    private readonly OrdersMesh _mesh;

    protected GetOrderTests(IOrdersMeshFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [ContractFact]
    public async Task GetOrder_PlacedOrderInUpperCase_ReturnsTheOrder()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 3);
        var placed = (await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order;

        var fetched = (await _mesh.Orders.GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId.ToUpperInvariant() })).Order;

        Assert.Equal(placed, fetched);
    }

    [ContractFact]
    public async Task GetOrder_UnknownId_NotFoundNamingOrderId()
    {
        var exception = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _mesh.Orders.GetOrderAsync(new GetOrderRequest { OrderId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(exception));
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e4")]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42\u0000")]
    [InlineData("\u202e0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e4")]
    public async Task GetOrder_MalformedId_InvalidArgumentNamingOrderId(string orderId)
    {
        await RpcAssert.InvalidFieldAsync("order_id", () => _mesh.Orders.GetOrderAsync(new GetOrderRequest { OrderId = orderId }).ResponseAsync);
    }
}

public sealed class SqliteGetOrderTests(MeshFixture fixture) : GetOrderTests(fixture), IClassFixture<MeshFixture>;

public sealed class PostgresGetOrderTests(PostgresMeshFixture fixture) : GetOrderTests(fixture), IClassFixture<PostgresMeshFixture>, IRequiresPostgres;
