using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.DnsProbe;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Clients;
using Mesh.ServiceDefaults.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: dotnet Mesh.DnsProbe.dll [--Probe:Duration=00:00:10] [--Probe:Rate=30] [--Probe:WarmupReplicas=0]
//        [--Mesh:Services:Inventory:Address=dns:///inventory:8080] [--Mesh:Clients:DnsRefreshInterval=00:00:02]
// Prints "mesh-dnsprobe: calling ..." on stderr when the measured run starts, one JSON line on stdout at
// the end, and exits 0 whatever the calls did: the tests judge the numbers.
const string AddressKey = "Mesh:Services:Inventory:Address";
var builder = Host.CreateApplicationBuilder(args);
if (string.IsNullOrWhiteSpace(builder.Configuration[AddressKey]))
{
    builder.Configuration[AddressKey] = "dns:///inventory:8080";
}

// stdout carries only the JSON line; the client's own warnings (balancer, health watches) go to stderr.
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
    console => console.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

// Exactly the registration the orders service uses for its inventory client.
builder.AddMeshClient<InventoryService.InventoryServiceClient>("Inventory", InventoryService.Descriptor);
using var host = builder.Build();
var options = ProbeOptions.From(builder.Configuration);
var address = builder.Configuration[AddressKey]!;
var client = host.Services.GetRequiredService<InventoryService.InventoryServiceClient>();

async Task<(string? Replica, string? Failure)> CallAsync()
{
    try
    {
        using var call = client.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = 1 } });
        await call.ResponseAsync;
        var headers = await call.ResponseHeadersAsync;
        return (headers.GetValue(MeshDefaults.ReplicaHeader) ?? "(no header)", null);
    }
    catch (RpcException exception)
    {
        return (null, $"{exception.StatusCode}: {exception.Status.Detail}");
    }
}

// The first calls go to whichever endpoint connects first while the others are still connecting: a
// warm-up, one call after another until WarmupReplicas distinct replicas answered, keeps that start-up
// skew out of the measured spread. Its calls are reported apart.
var warmups = new List<string>();
var warmupClock = Stopwatch.StartNew();
while (warmups.Where(name => !name.StartsWith('!')).Distinct(StringComparer.Ordinal).Count() < options.WarmupReplicas
    && warmupClock.Elapsed < ProbeOptions.WarmupLimit)
{
    var (replica, failure) = await CallAsync();
    warmups.Add(replica ?? "!" + failure);
    await Task.Delay(20); // bounded: at most ~50 warm-up calls a second
}

var report = new ProbeReport { Address = address, StartedAtUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
warmups.ForEach(report.AddWarmup);
await Console.Error.WriteLineAsync($"mesh-dnsprobe: calling {address}: {options.Calls} calls at {options.Rate}/s");

// Calls start on a fixed schedule and are not awaited in turn, so one slow call does not delay the
// next: what each moment of the run saw stays comparable with when the tests killed or added a replica.
var clock = Stopwatch.StartNew();
var outcomes = new ConcurrentBag<CallOutcome>();
var running = new List<Task>(options.Calls);
for (var i = 0; i < options.Calls; i++)
{
    var due = TimeSpan.FromSeconds(i / options.Rate) - clock.Elapsed;
    if (due > TimeSpan.Zero)
    {
        await Task.Delay(due);
    }

    running.Add(Task.Run(async () =>
    {
        var started = clock.ElapsedMilliseconds;
        var (replica, failure) = await CallAsync();
        outcomes.Add(new CallOutcome(started, clock.ElapsedMilliseconds - started, replica, failure));
    }));
}

await Task.WhenAll(running);
report.Add(outcomes);
// "dns:///inventory:8080" -> "inventory": the name the balancer resolves, looked up once more here.
var target = address[(address.LastIndexOf('/') + 1)..];
var hostName = target.Contains(':', StringComparison.Ordinal) ? target[..target.LastIndexOf(':')] : target;
using var lookupLimit = new CancellationTokenSource(TimeSpan.FromSeconds(3)); // the run's numbers matter more than this lookup
try
{
    report.ResolvedAtEnd.AddRange((await Dns.GetHostAddressesAsync(hostName, lookupLimit.Token)).Select(ip => ip.ToString()).Order(StringComparer.Ordinal));
}
catch (System.Net.Sockets.SocketException exception)
{
    report.ResolvedAtEnd.Add("!" + exception.SocketErrorCode);
}
catch (OperationCanceledException)
{
    report.ResolvedAtEnd.Add("!Timeout");
}

Console.WriteLine(JsonSerializer.Serialize(report));
return 0;
