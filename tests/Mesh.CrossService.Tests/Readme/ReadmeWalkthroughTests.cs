using Mesh.Launcher;
using Mesh.Orders.V1;

namespace Mesh.CrossService.Tests.Readme;

/// <summary>
/// Runs the README's grpcurl walk-through as written (ports aside) against the real mesh, with
/// grpcurl answered by buf curl, so the documented commands cannot rot.
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class ReadmeWalkthroughTests(MeshFixture fixture)
{
    [Fact]
    public async Task Walkthrough_EveryCommandAsWritten_PlacesAConfirmedOrder()
    {
        var root = MeshPaths.RepositoryRoot ?? throw new InvalidOperationException("repository root not found");
        var buf = Path.Combine(root, "tests", "tools", "node_modules", ".bin", "buf");
        Assert.True(File.Exists(buf), $"buf is missing at {buf}: run ./tests/run-all.sh (it installs buf) or `npm ci` in tests/tools.");
        var blocks = ReadmeWalkthrough.Blocks(await File.ReadAllTextAsync(Path.Combine(root, "README.md")));
        Assert.True(blocks.Count >= 6, $"expected the walk-through's blocks, found {blocks.Count}");

        var work = Directory.CreateTempSubdirectory("mesh-readme-");
        try
        {
            var shimFolder = Directory.CreateDirectory(Path.Combine(work.FullName, "bin")).FullName;
            var shim = Path.Combine(shimFolder, "grpcurl");
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Readme", "grpcurl-via-buf.sh"), shim);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
            }

            var script = Path.Combine(work.FullName, "walkthrough.sh");
            await File.WriteAllTextAsync(script, BuildScript(blocks));
            var (exitCode, output) = await ReadmeWalkthrough.RunAsync(script, new Dictionary<string, string>
            {
                ["PATH"] = shimFolder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                ["BUF"] = buf,
            });

            Assert.True(exitCode == 0, $"walk-through failed with {exitCode}:\n{output}");
            var orderId = ReadmeWalkthrough.OrderId(output);
            using var channel = fixture.Channel(MeshService.Orders);
            var order = await new OrderService.OrderServiceClient(channel)
                .GetOrderAsync(new GetOrderRequest { OrderId = orderId }, deadline: Deadlines.Call());
            Assert.Equal(OrderState.Confirmed, order.Order.State);
            Assert.Contains(order.Order.Lines, line => line.Sku == "MESH-MUG");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    // Blocks run in one shell, so variables (USER_ID, ORDER_ID) carry over as they do for a
    // reader. The block that demonstrates an error must fail, and with the documented code.
    private string BuildScript(IReadOnlyList<string> blocks)
    {
        var options = fixture.Mesh.Options;
        var lines = new List<string> { "set -euo pipefail", "watchers=()" };
        var watches = 0;
        foreach (var raw in blocks)
        {
            var block = ReadmeWalkthrough.WithPorts(raw, options.UsersPort, options.InventoryPort, options.OrdersPort);
            if (block.Contains("/Watch", StringComparison.Ordinal))
            {
                // A reader runs a Watch in its own terminal; here it runs in the background until the
                // end. No subshell: the background job must be the watching process itself, so kill ends it.
                lines.Add($"{block.TrimEnd()} > watch{watches}.txt 2>&1 &");
                lines.Add("watchers+=($!)");
                watches++;
            }
            else if (block.Contains("-format-error", StringComparison.Ordinal))
            {
                lines.Add($"if ( {block.TrimEnd()} ) > expected-error.txt 2>&1; then echo 'the error example succeeded'; exit 97; fi");
                lines.Add("grep -Eqi 'failed_precondition|FailedPrecondition' expected-error.txt || { cat expected-error.txt; exit 98; }");
            }
            else
            {
                lines.Add(block);
            }
        }

        lines.Add("sleep 2; kill \"${watchers[@]}\" 2>/dev/null || true; wait 2>/dev/null || true");
        for (var i = 0; i < watches; i++)
        {
            lines.Add($"grep -q '\"sequence\"' watch{i}.txt || {{ echo 'watch {i} saw no event:'; cat watch{i}.txt; exit 96; }}");
        }

        // The inventory watch saw the price change and the order's stock movements, live.
        lines.Add("grep -q ITEM_UPDATED watch0.txt && grep -q RESERVATION_COMMITTED watch0.txt || { cat watch0.txt; exit 95; }");
        lines.Add("test -n \"$USER_ID\" && test -n \"$ORDER_ID\"");
        lines.Add("echo \"ORDER_ID=$ORDER_ID\"");
        return string.Join('\n', lines) + "\n";
    }
}
