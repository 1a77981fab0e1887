using System.Net;

namespace Mesh.Inventory.Tests.Http;

/// <summary>
/// The Prometheus scrape port: <c>/metrics</c> in the text format there and nowhere else, and
/// nothing else there — metrics are operational data, not part of the public API.
/// </summary>
public sealed class MetricsPortTests(InventoryHttpFixture fixture) : IClassFixture<InventoryHttpFixture>
{
    [Fact]
    public async Task Metrics_AfterACall_HaveThePerMethodHistogramAndRuntimeMetrics()
    {
        await fixture.CreateItemAsync(InventoryHttpFixture.NewSku("METRICS"));
        using var scraper = new HttpClient { BaseAddress = fixture.Service.MetricsAddress };

        var response = await scraper.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("rpc_server_duration_milliseconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("rpc_method=\"CreateItem\"", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_thread_pool_queue_length", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/v1/items")]
    [InlineData("/metrics/extra")]
    [InlineData("/openapi/v1.json")]
    public async Task OtherPaths_OnTheMetricsPort_Are404(string path)
    {
        using var scraper = new HttpClient { BaseAddress = fixture.Service.MetricsAddress };

        var response = await scraper.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_OnThePublicHttpPort_Are404()
    {
        var response = await fixture.Http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task JunkRequests_ToTheMetricsPort_LeaveTheServiceServing()
    {
        using var scraper = new HttpClient { BaseAddress = fixture.Service.MetricsAddress };
        using var junk = new HttpRequestMessage(HttpMethod.Post, "/metrics") { Content = new ByteArrayContent(new byte[64 * 1024]) };

        await scraper.SendAsync(junk);
        var again = await scraper.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var item = await fixture.CreateItemAsync(InventoryHttpFixture.NewSku("AFTER-JUNK"));
        Assert.NotNull(item);
    }
}
