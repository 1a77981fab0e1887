using Grpc.Core;
using Mesh.Bench.Load;
using Mesh.Bench.Report;
using Mesh.Bench.Setup;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;

namespace Mesh.Bench.Scenarios;

/// <summary>
/// The price of access control: GetItem and PlaceOrder at max throughput on the run's mesh (access
/// control off) and on a second mesh started with <c>--auth</c> (every call carries a bearer token
/// the service validates; PlaceOrder's three in-mesh calls carry the orders service's own token),
/// in two rounds of opposite order in the same run. Keys are cached, so no call waits on the network.
/// </summary>
public static class AuthScenario
{
    public static async Task RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        BenchContext.Say("starting a second mesh with access control on (--auth)");
        await using var secured = await MeshTarget.StartAsync(context.Log, context.ServiceEnvironment, context.CancellationToken, auth: true).ConfigureAwait(false);
        var issuer = new LocalIssuer(secured.Launcher!.Options.DataDirectory);
        // The admin's token: validation costs the same for any person's token of this size.
        var headers = new Metadata { { "authorization", "Bearer " + (await File.ReadAllTextAsync(issuer.AdminTokenPath, context.CancellationToken).ConfigureAwait(false)).Trim() } };
        var data = await BenchData.CreateAsync(secured, context.CancellationToken, headers).ConfigureAwait(false);

        // Both meshes run the same calls unmeasured first: a fresh mesh's PlaceOrder rate more than
        // doubles over its first few thousand orders (305/s in its first 8 s window, 725/s warm, same
        // run), which would swamp the difference measured here.
        await WarmAsync(context, context.Mesh, context.Data, headers: null).ConfigureAwait(false);
        await WarmAsync(context, secured, data, headers).ConfigureAwait(false);

        // Two rounds in opposite order (off, on; then on, off), so neither mesh always runs on the
        // warmer machine.
        await MeasureAsync(context, context.Mesh, context.Data, headers: null, "off", round: 1).ConfigureAwait(false);
        await MeasureAsync(context, secured, data, headers, "on", round: 1).ConfigureAwait(false);
        await MeasureAsync(context, secured, data, headers, "on", round: 2).ConfigureAwait(false);
        await MeasureAsync(context, context.Mesh, context.Data, headers: null, "off", round: 2).ConfigureAwait(false);
    }

    private static Task WarmAsync(BenchContext context, MeshTarget mesh, BenchData data, Metadata? headers) =>
        MeasureAsync(context, mesh, data, headers, headers is null ? "off" : "on", round: 0);

    // Round 0 is the warm-up: the same calls, nothing recorded.
    private static async Task MeasureAsync(BenchContext context, MeshTarget mesh, BenchData data, Metadata? headers, string auth, int round)
    {
        using (var channels = new ChannelSet(mesh.AddressOf(MeshTarget.InventoryName), context.Profile.Channels))
        {
            var clients = Enumerable.Range(0, channels.Count).Select(i => new InventoryService.InventoryServiceClient(channels[i])).ToArray();
            var requests = data.Skus.Select(sku => new GetItemRequest { Sku = sku }).ToArray();
            await RunAsync(context, mesh, round, $"auth-{auth}-get-item-{round}", $"access control {auth}: GetItem (round {round})", (sequence, token) =>
                clients[sequence % clients.Length].GetItemAsync(requests[sequence % requests.Length], headers, BenchContext.CallDeadline(), token).ResponseAsync)
                .ConfigureAwait(false);
        }

        using (var channels = new ChannelSet(mesh.AddressOf(MeshTarget.OrdersName), context.Profile.Channels))
        {
            var clients = Enumerable.Range(0, channels.Count).Select(i => new OrderService.OrderServiceClient(channels[i])).ToArray();
            await RunAsync(context, mesh, round, $"auth-{auth}-place-order-{round}", $"access control {auth}: PlaceOrder (round {round})", (sequence, token) =>
                clients[sequence % clients.Length].PlaceOrderAsync(new PlaceOrderRequest
                {
                    RequestId = Guid.NewGuid().ToString(),
                    UserId = data.UserIds[(int)(sequence % data.UserIds.Count)],
                    Lines = { new PlaceOrderLine { Sku = data.Skus[(int)(sequence % data.Skus.Count)], Quantity = 1 } },
                }, headers, BenchContext.CallDeadline(), token).ResponseAsync)
                .ConfigureAwait(false);
        }
    }

    private static async Task RunAsync(BenchContext context, MeshTarget mesh, int round, string key, string title, LoadCall call)
    {
        if (round == 0)
        {
            BenchContext.Say($"{title}: warm-up, not measured");
            var warm = await ClosedLoop.RunAsync(call, context.Profile.Concurrency, TimeSpan.Zero, context.Profile.Warmup + context.Profile.Measure, context.CancellationToken).ConfigureAwait(false);
            if (warm.Failed > 0)
            {
                throw new InvalidOperationException($"{title}: {warm.Failed} calls failed while warming up ({string.Join(", ", warm.ErrorsByStatus.Select(e => $"{e.Key} × {e.Value}"))}).");
            }

            return;
        }

        BenchContext.Say($"{title} (closed loop, {context.Profile.Concurrency} in flight)");
        await using var monitor = context.StartMonitor(mesh);
        var result = await ClosedLoop.RunAsync(call, context.Profile.Concurrency, context.Profile.Warmup, context.Profile.Measure, context.CancellationToken, monitor.RestartCpu).ConfigureAwait(false);
        context.Add(ScenarioRow.Measured(key, title, result, await monitor.StopAsync().ConfigureAwait(false)));
    }
}
