using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;

namespace Mesh.Inventory.Tests.Api;

public abstract class ConcurrencyTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    [ContractFact]
    public async Task ReserveStock_FiftyRacingReservationsForTenUnits_ExactlyTenSucceed()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var calls = Enumerable.Range(0, 50)
            .Select(_ => _host.Client.ReserveStockAsync(InventoryHost.ReserveRequest("order:" + Guid.NewGuid(), (sku, 1))).ResponseAsync)
            .ToList();

        var outcomes = await Task.WhenAll(calls.Select(Outcome));

        Assert.Equal(10, outcomes.Count(code => code == StatusCode.OK));
        // Every other one is told the stock ran out (the list shows any other status).
        Assert.Equal(Enumerable.Repeat(StatusCode.FailedPrecondition, 40), outcomes.Where(code => code != StatusCode.OK));
        var item = await _host.GetItemAsync(sku);
        Assert.Equal((0L, 10L), (item.AvailableQuantity, item.ReservedQuantity));
    }

    [ContractFact]
    public async Task ReserveStock_TwentyRacingIdenticalRequests_HoldStockOnce()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 100);
        var request = InventoryHost.ReserveRequest("order:" + Guid.NewGuid(), (sku, 7));

        var reservations = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => _host.Client.ReserveStockAsync(request).ResponseAsync));

        Assert.Single(reservations.Select(response => response.Reservation).Distinct());
        var item = await _host.GetItemAsync(sku);
        Assert.Equal((93L, 7L), (item.AvailableQuantity, item.ReservedQuantity));
    }

    [ContractFact]
    public async Task AdjustStock_TwentyRacingIdenticalRequests_ApplyOnce()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var request = new AdjustStockRequest { RequestId = Guid.NewGuid().ToString(), Sku = sku, Delta = 5, Reason = "delivery" };

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _host.Client.AdjustStockAsync(request).ResponseAsync));

        Assert.Equal(15, (await _host.GetItemAsync(sku)).AvailableQuantity);
    }

    [ContractFact]
    public async Task CreateItem_TwentyRacingIdenticalRequests_CreateOneItem()
    {
        var request = InventoryHost.ItemRequest(InventoryHost.NewSku(), 10);

        var items = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _host.Client.CreateItemAsync(request).ResponseAsync));

        Assert.Single(items.Select(response => response.Item).Distinct());
    }

    [ContractFact]
    public async Task CommitAndRelease_RacingOnOneHold_ExactlyOneWins()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = "order:" + Guid.NewGuid();
        await _host.ReserveAsync(id, (sku, 4));

        var commit = Outcome(_host.Client.CommitReservationAsync(new CommitReservationRequest { ReservationId = id }).ResponseAsync);
        var release = Outcome(_host.Client.ReleaseReservationAsync(new ReleaseReservationRequest { ReservationId = id }).ResponseAsync);
        var codes = await Task.WhenAll(commit, release);

        Assert.Single(codes, code => code == StatusCode.OK);
        Assert.Single(codes, code => code == StatusCode.FailedPrecondition);
        var item = await _host.GetItemAsync(sku);
        Assert.Equal(0, item.ReservedQuantity);
        Assert.Equal(codes[0] == StatusCode.OK ? 6 : 10, item.AvailableQuantity);
    }

    private static async Task<StatusCode> Outcome(Task call)
    {
        try
        {
            await call;
            return StatusCode.OK;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode;
        }
    }
}

public sealed class SqliteConcurrencyTests(HostFixture fixture) : ConcurrencyTests(fixture.Host), IClassFixture<HostFixture>;

public sealed class PostgresConcurrencyTests(PostgresHostFixture fixture) : ConcurrencyTests(fixture.Host), IClassFixture<PostgresHostFixture>, IRequiresPostgres;
