using Mesh.Launcher;
using Mesh.Orders.V1;

namespace Mesh.CrossService.Tests.Readme;

/// <summary>
/// Runs the README's REST walk-through as written (ports aside) with curl against the real mesh's
/// HTTP ports, so the documented commands cannot rot.
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class RestWalkthroughTests(MeshFixture fixture)
{
    [Fact]
    public async Task Walkthrough_EveryCurlAsWritten_PlacesAndCancelsAnOrder()
    {
        var root = MeshPaths.RepositoryRoot ?? throw new InvalidOperationException("repository root not found");
        var blocks = ReadmeWalkthrough.Blocks(await File.ReadAllTextAsync(Path.Combine(root, "README.md")), ReadmeWalkthrough.RestHeading);
        Assert.True(blocks.Count >= 4, $"expected the REST walk-through's blocks, found {blocks.Count}");

        var work = Directory.CreateTempSubdirectory("mesh-readme-rest-");
        try
        {
            var script = Path.Combine(work.FullName, "walkthrough.sh");
            await File.WriteAllTextAsync(script, BuildScript(blocks));
            var (exitCode, output) = await ReadmeWalkthrough.RunAsync(script);

            Assert.True(exitCode == 0, $"REST walk-through failed with {exitCode}:\n{output}");
            var orderId = ReadmeWalkthrough.OrderId(output);
            using var channel = fixture.Channel(MeshService.Orders);
            var order = await new OrderService.OrderServiceClient(channel)
                .GetOrderAsync(new GetOrderRequest { OrderId = orderId }, deadline: Deadlines.Call());
            Assert.Equal(OrderState.Cancelled, order.Order.State);
            Assert.Contains(order.Order.Lines, line => line.Sku == "COMPILER-1");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    // One shell, so USER_ID and ORDER_ID carry over as they do for a reader; the follow (curl -N)
    // runs in the background as it would in a second terminal; the error example must show its 400.
    private string BuildScript(IReadOnlyList<string> blocks)
    {
        var options = fixture.Mesh.Options;
        var lines = new List<string> { "set -euo pipefail", "follower=" };
        foreach (var raw in blocks)
        {
            var block = ReadmeWalkthrough.WithHttpPorts(raw, options.UsersHttpPort, options.InventoryHttpPort, options.OrdersHttpPort);
            if (block.Contains("curl -N", StringComparison.Ordinal))
            {
                lines.Add($"{block.TrimEnd()} > follow.txt 2>&1 &");
                lines.Add("follower=$!");
                lines.Add("sleep 1");
            }
            else if (block.Contains("curl -s -i", StringComparison.Ordinal))
            {
                lines.Add($"{block.TrimEnd()} > expected-error.txt 2>&1");
                lines.Add("grep -q '400 Bad Request' expected-error.txt && grep -q INSUFFICIENT_STOCK expected-error.txt || { cat expected-error.txt; exit 98; }");
            }
            else
            {
                lines.Add(block);
            }
        }

        lines.Add("sleep 2; kill \"$follower\" 2>/dev/null || true; wait 2>/dev/null || true");
        // The follow saw the item created and, live, the order's reservation committed and then released.
        lines.Add("grep -q ITEM_CREATED follow.txt && grep -q RESERVATION_COMMITTED follow.txt || { cat follow.txt; exit 95; }");
        lines.Add("test -n \"$USER_ID\" && test -n \"$ORDER_ID\"");
        lines.Add("echo; echo \"ORDER_ID=$ORDER_ID\""); // curl's JSON ends without a newline
        return string.Join('\n', lines) + "\n";
    }
}
