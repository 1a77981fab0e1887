using System.Net;
using System.Text;
using Mesh.Container.Tests.Support;

namespace Mesh.Container.Tests;

/// <summary>The images' public HTTP/1.1 port (8081): REST/JSON and the OpenAPI document, as a cluster's ingress reaches them.</summary>
[Collection(MeshContainersCollection.Name)]
public sealed class RestTests(MeshContainers mesh)
{
    [ContainerFact]
    public async Task Rest_CreateThenGetItem_OverThePublishedHttpPort()
    {
        using var http = mesh.Http(ServiceImage.Inventory);
        var sku = "REST-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

        using var created = await http.PostAsync("/v1/items", new StringContent(
            $$"""{"sku":"{{sku}}","name":"From REST","unitPrice":{"currencyCode":"USD","amountMinor":300},"initialQuantity":2}""",
            Encoding.UTF8, "application/json"));
        using var read = await http.GetAsync($"/v1/items/{sku}");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await read.Content.ReadAsStringAsync();
        Assert.Contains($"\"sku\":\"{sku}\"", body, StringComparison.Ordinal);
        Assert.Contains("\"availableQuantity\":2", body, StringComparison.Ordinal);
    }

    [ContainerFact]
    public async Task OpenApiDocument_IsServed_AndTheDocsPageIsOffInTheImage()
    {
        using var http = mesh.Http(ServiceImage.Orders);

        using var document = await http.GetAsync("/openapi/v1.json");
        using var docs = await http.GetAsync("/docs/index.html");

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Contains("/v1/orders/{orderId}:cancel", await document.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, docs.StatusCode); // Production: the UI only where configured
    }
}
