using System.Net;
using System.Text.Json;
using Mesh.Launcher;

namespace Mesh.CrossService.Tests;

/// <summary>
/// The launcher gives each service its HTTP port as the banner prints it: REST/JSON answers,
/// /docs is served, and a page of one service may call another (CORS).
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class LauncherHttpPortTests(MeshFixture fixture)
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(15) };

    [Fact]
    public async Task ListItems_OnInventoryHttpPort_ReturnsTheDemoCatalogAsJson()
    {
        using var response = await Client.GetAsync(new Uri(fixture.Mesh.HttpAddressOf(MeshService.Inventory), "/v1/items"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}\n{fixture.RecentOutput()}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var skus = json.RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("sku").GetString()).ToList();
        Assert.All(DemoCatalog.ItemRequests(), item => Assert.Contains(item.Sku, skus));
    }

    [Fact]
    public async Task Docs_OnUsersHttpPort_ServesTheSwaggerUi()
    {
        using var response = await Client.GetAsync(new Uri(fixture.Mesh.HttpAddressOf(MeshService.Users), "/docs"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Preflight_FromAnotherServicesPage_IsAllowed()
    {
        var origin = $"http://localhost:{fixture.Mesh.Options.HttpPortOf(MeshService.Users)}";
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(fixture.Mesh.HttpAddressOf(MeshService.Orders), "/v1/orders"));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await Client.SendAsync(request);

        Assert.True(response.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowed), $"no CORS answer: {(int)response.StatusCode}");
        Assert.Equal(origin, Assert.Single(allowed));
    }
}
