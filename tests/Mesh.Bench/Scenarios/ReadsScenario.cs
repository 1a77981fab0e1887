using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Inventory.V1;
using Mesh.Users.V1;

namespace Mesh.Bench.Scenarios;

/// <summary>Scenario 2: GetUser and GetItem at max throughput, driven exactly like the baseline.</summary>
public static class ReadsScenario
{
    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var userIds = context.Data.UserIds;
        var skus = context.Data.Skus;

        using (var channels = context.Channels(MeshTarget.UsersName))
        {
            var clients = Enumerable.Range(0, channels.Count).Select(i => new UserService.UserServiceClient(channels[i])).ToArray();
            var requests = userIds.Select(id => new GetUserRequest { UserId = id }).ToArray();
            await MeasureAsync(context, "get-user", "reads: GetUser", (sequence, token) =>
                clients[sequence % clients.Length].GetUserAsync(requests[sequence % requests.Length], deadline: BenchContext.CallDeadline(), cancellationToken: token).ResponseAsync)
                .ConfigureAwait(false);
        }

        using (var channels = context.Channels(MeshTarget.InventoryName))
        {
            var clients = Enumerable.Range(0, channels.Count).Select(i => new InventoryService.InventoryServiceClient(channels[i])).ToArray();
            var requests = skus.Select(sku => new GetItemRequest { Sku = sku }).ToArray();
            await MeasureAsync(context, "get-item", "reads: GetItem", (sequence, token) =>
                clients[sequence % clients.Length].GetItemAsync(requests[sequence % requests.Length], deadline: BenchContext.CallDeadline(), cancellationToken: token).ResponseAsync)
                .ConfigureAwait(false);
        }
    }

    private static async Task MeasureAsync(BenchContext context, string key, string title, LoadCall call)
    {
        BenchContext.Say($"{title} (closed loop, {context.Profile.Concurrency} in flight)");
        await using var monitor = context.StartMonitor();
        var result = await ClosedLoop.RunAsync(call, context.Profile.Concurrency, context.Profile.Warmup, context.Profile.Measure, context.CancellationToken, monitor.RestartCpu).ConfigureAwait(false);
        var usage = await monitor.StopAsync().ConfigureAwait(false);
        context.Add(ScenarioRow.Measured(key, title, result, usage));
    }
}
