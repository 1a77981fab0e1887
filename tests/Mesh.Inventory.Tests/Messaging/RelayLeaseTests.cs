using Grpc.Health.V1;
using Mesh.Inventory.Tests.Support;
using Mesh.ServiceDefaults.Health;
using Mesh.Testing;
using Mesh.Testing.Messaging;
using Mesh.Testing.Postgres;

namespace Mesh.Inventory.Tests.Messaging;

/// <summary>
/// Two replicas on one PostgreSQL database: exactly one relays the log (the other stands by on the
/// advisory-lock lease), and when that one goes the other takes over from the shared checkpoint, so
/// every event reaches the exchange once in order across the handover.
/// </summary>
public sealed class RelayLeaseTests
{
    [PostgresBrokerFact]
    public async Task TwoReplicas_OneRelays_AndTheOtherTakesOverFromTheCheckpointWhenItStops()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var url = await TestBroker.UrlAsync();
        var exchange = TestBroker.UniqueName("events");
        await using var capture = await BrokerQueue.BindAsync(url, exchange, "inventory.#");
        await using var first = new InventoryHost(configure: factory => factory.WithPostgres(database.ConnectionString).WithMessaging(url, exchange));
        await using var second = new InventoryHost(configure: factory => factory.WithPostgres(database.ConnectionString).WithMessaging(url, exchange));

        await first.CreateItemAsync(InventoryHost.NewSku("A"), 1);
        await second.CreateItemAsync(InventoryHost.NewSku("B"), 1);
        await capture.ReadUntilAsync(received => received.Count >= 2, "both replicas' events are relayed");
        await Eventually.HoldsAsync(async () => await ServingRelaysAsync(first, second) == 1, "exactly one replica relays");
        var (leader, standby) = await RelayStatusAsync(first) == HealthCheckResponse.Types.ServingStatus.Serving ? (first, second) : (second, first);

        await leader.DisposeAsync();
        await standby.CreateItemAsync(InventoryHost.NewSku("C"), 1);
        await Eventually.HoldsAsync(async () => await RelayStatusAsync(standby) == HealthCheckResponse.Types.ServingStatus.Serving,
            "the standby takes the lease once the leader's session ends");
        await capture.ReadUntilAsync(received => received.Count >= 3, "the event after the handover is relayed");

        await Task.Delay(500); // room for a wrongly repeated publish to show up
        var messages = await capture.DrainAsync();
        Assert.Equal(["inventory:1", "inventory:2", "inventory:3"], messages.Select(m => m.MessageId));
    }

    private static async Task<int> ServingRelaysAsync(params InventoryHost[] hosts)
    {
        var serving = 0;
        foreach (var host in hosts)
        {
            serving += await RelayStatusAsync(host) == HealthCheckResponse.Types.ServingStatus.Serving ? 1 : 0;
        }

        return serving;
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> RelayStatusAsync(InventoryHost host) =>
        (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = HealthNames.Relay })).Status;
}
