using System.Text.RegularExpressions;
using Mesh.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mesh.Browser.Tests;

/// <summary>
/// Where a new user looks after starting the mesh: the Aspire Dashboard the launcher starts, read in a
/// real browser. One PlaceOrder through gRPC is one trace with spans of orders, users and inventory, the
/// feed consumers that processed its events included; the
/// structured logs hold entries of all three; the metrics list the RPC duration histogram.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class DashboardTests(BrowserFixture browser, DashboardMesh mesh, ITestOutputHelper output) : IClassFixture<DashboardMesh>
{
    // Bounds the browser part of each test, telemetry still on its way included. Each step already waits
    // at most BrowserFixture.WaitMilliseconds; the whole needs more than one step's wait when CI runs the
    // other suites beside it on two cores (a passing traces check took 47 s there).
    private static readonly TimeSpan PageBudget = TimeSpan.FromSeconds(120);

    private static readonly string[] Services = ["orders", "users", "inventory"];

    [DashboardFact]
    public async Task Traces_PlaceOrder_IsOneTraceWithSpansOfOrdersUsersAndInventory_AndOfTheConsumersOfItsEvents()
    {
        await mesh.PlaceOrderAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await WithinBudgetAsync(page, "traces", async () =>
        {
            await page.GotoAsync(new Uri(mesh.DashboardAddress, "/traces").ToString());
            // The list updates as spans arrive: the row is there once orders has exported its span.
            var trace = page.Locator("tr.fluent-data-grid-row").Filter(new() { HasText = "OrderService/PlaceOrder" });
            await Expect(trace).ToHaveCountAsync(1);
            foreach (var service in Services)
            {
                await Expect(trace.Locator(".trace-service-tag").Filter(new() { HasText = service + " (" })).ToHaveCountAsync(1);
            }

            await Screenshots.SaveAsync(page, "dashboard-traces", output);

            await trace.Locator(".trace-name-content").ClickAsync();
            await Expect(page).ToHaveURLAsync(TraceDetailUrl());
            await Expect(SpanRows(page, "orders").Filter(new() { HasText = "OrderService/PlaceOrder" })).ToHaveCountAsync(1);
            await Expect(SpanRows(page, "users").Filter(new() { HasText = "UserService/GetUser" })).ToHaveCountAsync(1);
            await Expect(SpanRows(page, "inventory").Filter(new() { HasText = "InventoryService/ReserveStock" })).ToHaveCountAsync(1);
            // The feed consumers that acted on the order's events joined its trace: the events carry it.
            // The dashboard shows a consumer span as "MSG {messaging.system} {messaging.destination.name}".
            await Expect(SpanRows(page, "users").Filter(new() { HasText = "mesh.feed orders" }).First).ToBeVisibleAsync();
            await Expect(SpanRows(page, "orders").Filter(new() { HasText = "mesh.feed inventory" }).First).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "dashboard-trace", output);
        });
    }

    [DashboardFact]
    public async Task StructuredLogs_HoldEntriesOfAllThreeServices()
    {
        await mesh.PlaceOrderAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await WithinBudgetAsync(page, "structured logs", async () =>
        {
            foreach (var service in Services)
            {
                // The resource's own page filters the grid; the first column names each entry's resource.
                await page.GotoAsync(new Uri(mesh.DashboardAddress, $"/structuredlogs/resource/{service}").ToString());
                await Expect(page.Locator($"tr.fluent-data-grid-row td[col-index='1'][title='{service}']").First).ToBeVisibleAsync();
            }

            await page.GotoAsync(new Uri(mesh.DashboardAddress, "/structuredlogs").ToString());
            await Expect(page.Locator("tr.fluent-data-grid-row td[col-index='1']").First).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "dashboard-structured-logs", output);
        });
    }

    [DashboardFact]
    public async Task Metrics_ListTheRpcServerDurationOfOrdersWithPlaceOrder()
    {
        await mesh.PlaceOrderAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await WithinBudgetAsync(page, "metrics", async () =>
        {
            await page.GotoAsync(new Uri(mesh.DashboardAddress, "/metrics/resource/orders").ToString());
            var instrument = page.Locator("fluent-tree-item[title='Mesh.Rpc'] fluent-tree-item[title='rpc.server.duration']");
            await Expect(instrument).ToBeVisibleAsync();

            await instrument.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("instrument=rpc\\.server\\.duration"));
            // The histogram's rpc.method dimension has a value for the order placed through gRPC.
            var methods = page.Locator("tr.fluent-data-grid-row").Filter(new() { HasText = "rpc.method" });
            await Expect(methods.Locator("button.dimension-tag").Filter(new() { HasText = "PlaceOrder" })).ToHaveCountAsync(1);
            await Expect(page.Locator(".js-plotly-plot")).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "dashboard-metrics", output);
        });
    }

    [GeneratedRegex("/traces/detail/[0-9a-f]{32}$")]
    private static partial Regex TraceDetailUrl();

    // A span row of the trace detail whose Resource column is exactly this service.
    private static ILocator SpanRows(IPage page, string service) =>
        page.Locator("tr.fluent-data-grid-row").Filter(new()
        {
            Has = page.Locator(".resource-name", new() { HasTextRegex = new Regex($"^\\s*{service}\\s*$") }),
        });

    // Bounds the whole browser part; on failure the page is kept as a screenshot and the mesh's last
    // output goes to the test output.
    private async Task WithinBudgetAsync(IPage page, string name, Func<Task> check)
    {
        try
        {
            await check().WaitAsync(PageBudget);
        }
        catch (Exception exception) when (exception is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await Screenshots.SaveAsync(page, "dashboard-failed-" + name.Replace(' ', '-'), output);
            output.WriteLine(mesh.RecentOutput());
            throw;
        }
    }
}
