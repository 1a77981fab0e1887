using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Mesh.Inventory.V1;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Http;

/// <summary>
/// A collector that is down or hangs must cost the service nothing but the telemetry: spans,
/// metrics and logs wait in the exporters' bounded queues and are dropped, calls go on.
/// </summary>
public sealed class TelemetryExportDownTests
{
    [Theory]
    [InlineData("refused")]
    [InlineData("hangs")]
    public async Task Calls_WithTheOtlpCollectorDownOrHanging_AllSucceedAndTheServiceStaysServing(string collector)
    {
        // "hangs": a listener that accepts connections and never answers; "refused": a closed port.
        using var hanging = new TcpListener(IPAddress.Loopback, 0);
        hanging.Start();
        var port = ((IPEndPoint)hanging.LocalEndpoint).Port;
        if (collector == "refused")
        {
            hanging.Stop();
        }

        await using var service = KestrelService<InventoryOptions>.Start(new MeshServiceFactory<InventoryOptions>()
            .WithSetting("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{port}")
            .WithSetting("OTEL_BSP_SCHEDULE_DELAY", "100")
            .WithSetting("OTEL_METRIC_EXPORT_INTERVAL", "200")
            // Bounds each export attempt (10 s by default), so shutting the host down stays quick.
            .WithSetting("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"));
        var client = new InventoryService.InventoryServiceClient(service.CreateGrpcChannel());
        await client.CreateItemAsync(new CreateItemRequest
        {
            Sku = "OTLP-DOWN",
            Name = "Exported nowhere",
            UnitPrice = new() { CurrencyCode = "USD", AmountMinor = 1 },
            InitialQuantity = 1,
        });

        // Far more spans than one export batch, over several export intervals.
        var calls = Enumerable.Range(0, 600).Select(_ => client.GetItemAsync(new GetItemRequest { Sku = "OTLP-DOWN" }, deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);
        var answers = await Task.WhenAll(calls);

        Assert.All(answers, answer => Assert.Equal("OTLP-DOWN", answer.Item.Sku));
        var health = new Health.HealthClient(service.CreateGrpcChannel());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "readiness" })).Status);
    }
}
