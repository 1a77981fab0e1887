using System.Net;
using System.Net.Http.Json;
using Mesh.Browser.Tests.Support;
using Mesh.Inventory;
using Mesh.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mesh.Browser.Tests;

/// <summary>
/// The interactive docs as a person uses them: Swagger UI, rendered by a real browser from the OpenAPI
/// document the protos produce, calls the REST binding and shows what came back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SwaggerUiTests(BrowserFixture browser, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task TryItOut_GetItem_ShowsTheItemWith200()
    {
        await using var inventory = KestrelService<InventoryOptions>.Start(
            new MeshServiceFactory<InventoryOptions>().WithSetting("Mesh:Http:Docs", "true"));
        var sku = "BOOK-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        const string name = "Swagger UI field guide";
        using (var http = inventory.CreateHttpClient())
        {
            using var created = await http.PostAsJsonAsync("/v1/items", new
            {
                sku,
                name,
                unitPrice = new { currencyCode = "USD", amountMinor = 1250 },
                initialQuantity = 10,
            });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(inventory.HttpAddress, "/docs").ToString());

        // The operation's block, found by its path (the visible text has zero-width spaces in it).
        var operation = page.Locator(".opblock.opblock-get")
            .Filter(new() { Has = page.Locator(".opblock-summary-path[data-path='/v1/items/{sku}']") });
        await operation.Locator(".opblock-summary").ClickAsync();
        await operation.GetByRole(AriaRole.Button, new() { Name = "Try it out" }).ClickAsync();
        await operation.Locator("tr[data-param-name='sku'] input").FillAsync(sku);
        await operation.GetByRole(AriaRole.Button, new() { Name = "Execute" }).ClickAsync();

        var response = operation.Locator(".live-responses-table .response").First;
        await Expect(response.Locator(".response-col_status")).ToHaveTextAsync("200");
        var body = response.Locator(".response-col_description");
        await Expect(body).ToContainTextAsync($"\"sku\": \"{sku}\"");
        await Expect(body).ToContainTextAsync($"\"name\": \"{name}\"");
        await Expect(operation.Locator(".request-url")).ToContainTextAsync($"/v1/items/{sku}");

        await Screenshots.SaveAsync(page, "swagger-ui-try-it-out", output);
    }
}
