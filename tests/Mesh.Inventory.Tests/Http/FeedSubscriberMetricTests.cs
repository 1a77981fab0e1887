using System.Diagnostics.Metrics;
using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Feeds;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Inventory.Tests.Http;

/// <summary><c>mesh.feed.subscribers</c> counts a stream while it is open and drops it when the client goes.</summary>
public sealed class FeedSubscriberMetricTests(InventoryHttpFixture fixture) : IClassFixture<InventoryHttpFixture>
{
    [Fact]
    public async Task Subscribers_OpenStream_CountsOneUntilTheClientCancels()
    {
        using var watch = new MetricWatch(fixture.Service.Factory.Services.GetRequiredService<IMeterFactory>(), FeedServingMetrics.MeterName, "mesh.feed.subscribers");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = fixture.Grpc.WatchInventory(new WatchInventoryRequest { StartAtHead = true }, cancellationToken: cancel.Token);

        Assert.True(await call.ResponseStream.MoveNext(cancel.Token)); // the head heartbeat: the stream is being served
        Assert.Equal(1, watch.Total("feed", "inventory"));
        await cancel.CancelAsync();

        await Eventually.HoldsAsync(() => watch.Total("feed", "inventory") == 0, "the closed stream left the count");
    }
}
