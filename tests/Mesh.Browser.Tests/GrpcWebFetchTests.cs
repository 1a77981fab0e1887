using Mesh.Browser.Tests.Support;
using Mesh.Common.V1;
using Mesh.Inventory;
using Mesh.Inventory.V1;
using Mesh.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mesh.Browser.Tests;

/// <summary>
/// gRPC-Web as a browser app without a gRPC library would speak it (Pages/grpc-web.html): fetch, with
/// framing and protobuf written by hand, from a page on another origin. What it proves is the browser's
/// side of the contract: CORS lets the calls through (and the status headers be read) from an allowed
/// origin only, and a server stream arrives message by message while it is still open.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class GrpcWebFetchTests(BrowserFixture browser, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task PageOnAllowedOrigin_GetsItemsAndFollowsTheWatchStream()
    {
        await using var pages = await PageHost.StartAsync(Support.Pages.GrpcWeb);
        await using var inventory = KestrelService<InventoryOptions>.Start(
            new MeshServiceFactory<InventoryOptions>().WithSetting("Mesh:Http:CorsOrigins:0", pages.Origin));
        using var channel = inventory.CreateGrpcChannel();
        var client = new InventoryService.InventoryServiceClient(channel);
        var book = await CreateItemAsync(client, "Browser-made bookshelf");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(PageAddress(pages.Origin, inventory));

        // Unary, grpc-web-text: the item, with its status from the trailer frame.
        await GetItemAsync(page, book.Sku);
        await Expect(page.Locator("#get-status")).ToHaveTextAsync("0");
        await Expect(page.Locator("#get-status-source")).ToHaveTextAsync("trailer");
        await Expect(page.Locator("#item-sku")).ToHaveTextAsync(book.Sku);
        await Expect(page.Locator("#item-name")).ToHaveTextAsync(book.Name);

        // A missing sku fails before any message: NOT_FOUND in the response headers, which the
        // script can read only because the service exposes them to the allowed origin.
        var missing = "NOPE-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await GetItemAsync(page, missing);
        await Expect(page.Locator("#get-status")).ToHaveTextAsync("5");
        await Expect(page.Locator("#get-status-source")).ToHaveTextAsync("header");
        await Expect(page.Locator("#get-message")).ToContainTextAsync(missing);
        await Expect(page.Locator("#item-name")).ToBeEmptyAsync();

        // Server streaming, binary grpc-web: once the head's heartbeat is in, an item created
        // elsewhere must reach the page while the request is still open.
        await page.Locator("#watch").ClickAsync();
        await Expect(page.Locator("#watch-state")).ToHaveTextAsync("open");
        var lamp = await CreateItemAsync(client, "Streamed desk lamp");
        await Expect(page.Locator("#watch-skus li")).ToHaveTextAsync([lamp.Sku]);
        await Expect(page.Locator("#watch-state")).ToHaveTextAsync("open");

        await Screenshots.SaveAsync(page, "grpc-web-fetch", output);
    }

    [BrowserFact]
    public async Task PageOnOtherOrigin_IsRefusedByCors()
    {
        await using var pages = await PageHost.StartAsync(Support.Pages.GrpcWeb);
        await using var inventory = KestrelService<InventoryOptions>.Start(
            new MeshServiceFactory<InventoryOptions>().WithSetting("Mesh:Http:CorsOrigins:0", pages.Origin));
        using var channel = inventory.CreateGrpcChannel();
        var book = await CreateItemAsync(new InventoryService.InventoryServiceClient(channel), "Refused reader");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            lock (console)
            {
                console.Add(message.Text);
            }
        };
        await page.GotoAsync(PageAddress(pages.OtherOrigin, inventory));

        await GetItemAsync(page, book.Sku);
        await Expect(page.Locator("#get-outcome")).ToHaveTextAsync("fetch rejected");
        await Expect(page.Locator("#get-error")).ToContainTextAsync("TypeError");
        await Expect(page.Locator("#get-status")).ToBeEmptyAsync();
        await Expect(page.Locator("#item-name")).ToBeEmptyAsync();
        await Eventually.HoldsAsync(
            () => { lock (console) { return console.Exists(text => text.Contains("CORS policy", StringComparison.Ordinal)); } },
            "the browser logs that CORS blocked the call", TimeSpan.FromSeconds(10));

        await Screenshots.SaveAsync(page, "grpc-web-cors-refused", output);
    }

    private static string PageAddress(string origin, KestrelService<InventoryOptions> inventory) =>
        $"{origin}/?api={Uri.EscapeDataString(inventory.HttpAddress.ToString().TrimEnd('/'))}";

    private static async Task GetItemAsync(IPage page, string sku)
    {
        await page.Locator("#sku").FillAsync(sku);
        await page.Locator("#get").ClickAsync();
        await Expect(page.Locator("#get-outcome")).Not.ToBeEmptyAsync();
    }

    private static async Task<Item> CreateItemAsync(InventoryService.InventoryServiceClient client, string name)
    {
        var response = await client.CreateItemAsync(
            new CreateItemRequest
            {
                Sku = "WEB-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(),
                Name = name,
                UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = 1250 },
                InitialQuantity = 10,
            },
            deadline: DateTime.UtcNow.AddSeconds(30));
        return response.Item;
    }
}
