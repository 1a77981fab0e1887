using Grpc.Core;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Api;

/// <summary>Racing PlaceOrder calls: duplicates have one effect, and stock is never oversold.</summary>
public abstract class PlaceOrderConcurrencyTests
{
    private readonly OrdersMesh _mesh;

    protected PlaceOrderConcurrencyTests(IOrdersMeshFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [ContractFact]
    public async Task PlaceOrder_TwentyIdenticalRequestsRace_OneOrderAndStockTakenOnce()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 100);
        var request = Requests.Place(user, (sku, 3));
        var orders = _mesh.Orders;
        var reserves = _mesh.InventoryFaults.Calls("ReserveStock");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () => (await orders.PlaceOrderAsync(request)).Order)));

        Assert.All(results, order => Assert.Equal(results[0], order));
        Assert.Equal(OrderState.Confirmed, results[0].State);
        Assert.Single(await _mesh.OrdersOfAsync(user));
        Assert.Equal((97, 0), await _mesh.StockAsync(sku));
        Assert.Equal(reserves + 1, _mesh.InventoryFaults.Calls("ReserveStock"));
    }

    [ContractFact]
    public async Task PlaceOrder_ThirtyBuyersRaceForFiveUnits_ExactlyFiveConfirmed()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 5);
        var orders = _mesh.Orders;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (await orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order.State.ToString();
            }
            catch (RpcException exception)
            {
                return exception.StatusCode.ToString();
            }
        })));

        Assert.Equal(5, outcomes.Count(outcome => outcome == nameof(OrderState.Confirmed)));
        Assert.Equal(25, outcomes.Count(outcome => outcome == nameof(StatusCode.FailedPrecondition)));
        Assert.Equal((0, 0), await _mesh.StockAsync(sku));
        var stored = await _mesh.OrdersOfAsync(user);
        Assert.Equal(5, stored.Count(order => order.State == OrderState.Confirmed));
        Assert.Equal(25, stored.Count(order => order.State == OrderState.Rejected));
    }
}

public sealed class SqlitePlaceOrderConcurrencyTests(MeshFixture fixture) : PlaceOrderConcurrencyTests(fixture), IClassFixture<MeshFixture>;

public sealed class PostgresPlaceOrderConcurrencyTests(PostgresMeshFixture fixture) : PlaceOrderConcurrencyTests(fixture), IClassFixture<PostgresMeshFixture>, IRequiresPostgres;
