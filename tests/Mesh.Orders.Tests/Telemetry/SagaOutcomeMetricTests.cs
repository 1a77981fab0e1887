using System.Diagnostics.Metrics;
using Grpc.Core;
using Mesh.Orders.Domain;
using Mesh.Orders.Tests.Support;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Mesh.Orders.Tests.Telemetry;

/// <summary><c>mesh.orders.saga.outcomes</c>: one count per saga, by how it ended; a replay counts nothing.</summary>
public sealed class SagaOutcomeMetricTests : IDisposable
{
    private readonly OrdersMesh _mesh = new();

    [Fact]
    public async Task Outcomes_ConfirmedRejectedAndReplayed_AreCountedOnceEach()
    {
        using var watch = new MetricWatch(_mesh.OrdersHost.Services.GetRequiredService<IMeterFactory>(), SagaMetrics.MeterName, "mesh.orders.saga.outcomes");
        var userId = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 2);
        var confirmed = Requests.Place(userId, (sku, 1));

        await _mesh.Orders.PlaceOrderAsync(confirmed);
        await _mesh.Orders.PlaceOrderAsync(confirmed); // a retry returns the stored order
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () => await _mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 5))));

        Assert.Equal(1, watch.Total("outcome", "confirmed"));
        Assert.Equal(1, watch.Total("outcome", "rejected"));
        Assert.Equal(0, watch.Total("outcome", "compensated"));
    }

    [Fact]
    public async Task Outcomes_SaleAnswerLostThenRetried_CountsUnknownThenConfirmed()
    {
        using var watch = new MetricWatch(_mesh.OrdersHost.Services.GetRequiredService<IMeterFactory>(), SagaMetrics.MeterName, "mesh.orders.saga.outcomes");
        var request = Requests.Place(await _mesh.CreateUserAsync(), (await _mesh.CreateItemAsync(quantity: 2), 1));
        _mesh.InventoryFaults.FailAfter("ReserveStock", StatusCode.Unavailable);

        await RpcAssert.FailsAsync(StatusCode.Unavailable, async () => await _mesh.Orders.PlaceOrderAsync(request));
        var unknownWhilePending = watch.Total("outcome", "unknown");
        _mesh.ClearFaults();
        await _mesh.Orders.PlaceOrderAsync(request);

        Assert.Equal(1, unknownWhilePending);
        Assert.Equal(1, watch.Total("outcome", "unknown"));
        Assert.Equal(1, watch.Total("outcome", "confirmed"));
        Assert.Equal(0, watch.Total("outcome", "compensated"));
    }

    public void Dispose() => _mesh.Dispose();
}
