using Google.Rpc;
using Grpc.Core;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

public abstract class AdjustStockTests(InventoryHost host)
{
    private readonly InventoryHost _host = host;

    private static AdjustStockRequest Request(string sku, long delta, string? requestId = null, string reason = "cycle count") => new()
    {
        RequestId = requestId ?? Guid.NewGuid().ToString(),
        Sku = sku,
        Delta = delta,
        Reason = reason,
    };

    [ContractFact]
    public async Task AdjustStock_PositiveDelta_AddsUnitsAndTouchesUpdateTime()
    {
        var sku = InventoryHost.NewSku();
        var created = await _host.CreateItemAsync(sku, 5);
        _host.Time.Advance(TimeSpan.FromSeconds(3));

        var item = (await _host.Client.AdjustStockAsync(Request(sku, 1_000_000_000))).Item;

        Assert.Equal(1_000_000_005, item.AvailableQuantity);
        Assert.Equal(created.CreateTime, item.CreateTime);
        Assert.Equal(created.UpdateTime.ToDateTimeOffset().AddSeconds(3), item.UpdateTime.ToDateTimeOffset());
        Assert.Equal(item, await _host.GetItemAsync(sku));
    }

    [ContractFact]
    public async Task AdjustStock_RemovingExactlyWhatIsAvailable_LeavesZeroAvailable()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        await _host.ReserveAsync("order:" + Guid.NewGuid(), (sku, 4));

        var item = (await _host.Client.AdjustStockAsync(Request(sku, -6, reason: "damaged"))).Item;

        Assert.Equal(0, item.AvailableQuantity);
        Assert.Equal(4, item.ReservedQuantity);
    }

    [ContractFact]
    public async Task AdjustStock_RemovingMoreThanAvailable_FailsInsufficientStockNamingSkuAndChangesNothing()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        await _host.ReserveAsync("order:" + Guid.NewGuid(), (sku, 5));
        var before = await _host.SnapshotAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => _host.Client.AdjustStockAsync(Request(sku, -6)).ResponseAsync);

        Assert.Equal("INSUFFICIENT_STOCK", RpcAssert.Reason(error));
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations);
        Assert.Equal("STOCK", violation.Type);
        Assert.Equal("sku:" + sku, violation.Subject);
        Assert.Equal("requested 6, available 5", violation.Description);
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task AdjustStock_SameRequestRetried_AppliesOnceAndReturnsItemNow()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var request = Request(sku, 5);
        var first = (await _host.Client.AdjustStockAsync(request)).Item;
        var before = await _host.SnapshotAsync();

        var retried = (await _host.Client.AdjustStockAsync(request)).Item;

        Assert.Equal(15, first.AvailableQuantity);
        Assert.Equal(first, retried);
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task AdjustStock_RetryAfterStockMoved_ReturnsCurrentItemWithoutSecondEffect()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var request = Request(sku, -2);
        await _host.Client.AdjustStockAsync(request);
        await _host.ReserveAsync("order:" + Guid.NewGuid(), (sku, 3));

        var retried = (await _host.Client.AdjustStockAsync(request)).Item;

        Assert.Equal(5, retried.AvailableQuantity);
        Assert.Equal(3, retried.ReservedQuantity);
    }

    [ContractFact]
    public async Task AdjustStock_SameRequestIdInUpperCase_IsTheSameKey()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = Guid.NewGuid().ToString();
        await _host.Client.AdjustStockAsync(Request(sku, 1, id));

        var retried = (await _host.Client.AdjustStockAsync(Request(sku, 1, id.ToUpperInvariant()))).Item;

        Assert.Equal(11, retried.AvailableQuantity);
    }

    [ContractFact]
    public async Task AdjustStock_RetryWithReasonThatNormalisesEqual_IsTheSameRequest()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        var id = Guid.NewGuid().ToString();
        await _host.Client.AdjustStockAsync(Request(sku, 1, id, "Caf\u00e9 spill"));

        var retried = (await _host.Client.AdjustStockAsync(Request(sku, 1, id, " Cafe\u0301 spill "))).Item;

        Assert.Equal(11, retried.AvailableQuantity);
    }

    [ContractTheory]
    [InlineData(2, "cycle count", false)]
    [InlineData(1, "damaged", false)]
    [InlineData(1, "cycle count", true)]
    public async Task AdjustStock_RequestIdReusedWithDifferentFields_FailsAlreadyExistsAndChangesNothing(long delta, string reason, bool otherSku)
    {
        var sku = InventoryHost.NewSku();
        var other = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 10);
        await _host.CreateItemAsync(other, 10);
        var id = Guid.NewGuid().ToString();
        await _host.Client.AdjustStockAsync(Request(sku, 1, id));
        var before = await _host.SnapshotAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.AlreadyExists,
            () => _host.Client.AdjustStockAsync(Request(otherSku ? other : sku, delta, id, reason)).ResponseAsync);

        Assert.Equal("REQUEST_ID_REUSED", RpcAssert.Reason(error));
        Assert.Equal("request_id", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task AdjustStock_RefusedRemoval_DoesNotUseUpTheRequestId()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 1);
        var request = Request(sku, -3);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _host.Client.AdjustStockAsync(request).ResponseAsync);
        await _host.Client.AdjustStockAsync(Request(sku, 5));

        var item = (await _host.Client.AdjustStockAsync(request)).Item;

        Assert.Equal(3, item.AvailableQuantity);
    }

    [ContractFact]
    public async Task AdjustStock_UnknownSku_FailsNotFoundAndChangesNothing()
    {
        var before = await _host.SnapshotAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => _host.Client.AdjustStockAsync(Request(InventoryHost.NewSku(), 3)).ResponseAsync);

        Assert.Equal("NOT_FOUND", RpcAssert.Reason(error));
        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractTheory]
    [InlineData("request_id", "", "SKU", 1, "why")]
    [InlineData("request_id", "not-a-uuid", "SKU", 1, "why")]
    [InlineData("request_id", "0b6f1c1e8d3a4c389b1f2f6a3c1d9e42", "SKU", 1, "why")]
    [InlineData("request_id", "{0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42}", "SKU", 1, "why")]
    [InlineData("request_id", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e4g", "SKU", 1, "why")]
    [InlineData("sku", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "", 1, "why")]
    [InlineData("sku", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "bad sku", 1, "why")]
    [InlineData("delta", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "SKU", 0, "why")]
    [InlineData("delta", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "SKU", 1_000_000_001, "why")]
    [InlineData("delta", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "SKU", -1_000_000_001, "why")]
    [InlineData("delta", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "SKU", long.MinValue, "why")]
    [InlineData("reason", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "SKU", 1, "")]
    [InlineData("reason", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "SKU", 1, "  ")]
    [InlineData("reason", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "SKU", 1, "tab\tinside")]
    [InlineData("reason", "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", "SKU", 1, "rtl\u202Eoverride")]
    public async Task AdjustStock_InvalidField_FailsInvalidArgumentNamingFieldAndChangesNothing(
        string field, string requestId, string sku, long delta, string reason)
    {
        var before = await _host.SnapshotAsync();

        await RpcAssert.InvalidFieldAsync(field, () => _host.Client.AdjustStockAsync(Request(sku, delta, requestId, reason)).ResponseAsync);

        Assert.Equal(before, await _host.SnapshotAsync());
    }

    [ContractFact]
    public async Task AdjustStock_ReasonOf201Characters_FailsNamingReason()
    {
        var sku = InventoryHost.NewSku();
        await _host.CreateItemAsync(sku, 1);

        await RpcAssert.InvalidFieldAsync("reason",
            () => _host.Client.AdjustStockAsync(Request(sku, 1, reason: new string('r', 201))).ResponseAsync);
    }
}

public sealed class SqliteAdjustStockTests(HostFixture fixture) : AdjustStockTests(fixture.Host), IClassFixture<HostFixture>;

public sealed class PostgresAdjustStockTests(PostgresHostFixture fixture) : AdjustStockTests(fixture.Host), IClassFixture<PostgresHostFixture>, IRequiresPostgres;
