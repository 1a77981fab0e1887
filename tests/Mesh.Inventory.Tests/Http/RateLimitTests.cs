using System.Net;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.RateLimits;
using Mesh.ServiceDefaults.Security;
using Mesh.Testing;
using Mesh.Testing.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Inventory.Tests.Http;

/// <summary>
/// Per-caller limits on real Kestrel with access control on: a caller over the reads bucket gets
/// RESOURCE_EXHAUSTED with RetryInfo (REST 429 with Retry-After) while another caller and the
/// caller's writes go on; the bucket refills; services and anonymous callers have buckets of their own.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int Burst = 3;

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly TestTokens _tokens = new();
    private KestrelService<InventoryOptions> _service = null!;
    private InventoryService.InventoryServiceClient _grpc = null!;

    public Task InitializeAsync()
    {
        var factory = new MeshServiceFactory<InventoryOptions>().WithSettings(_tokens.ServiceSettings("orders"))
            .WithSetting("Mesh:RateLimits:Enabled", "true")
            // Three reads at once, then one every ten seconds.
            .WithSetting("Mesh:RateLimits:Policies:reads:TokenLimit", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting("Mesh:RateLimits:Policies:reads:TokensPerPeriod", "1")
            .WithSetting("Mesh:RateLimits:Policies:reads:Period", Period.ToString())
            .WithSetting("Mesh:RateLimits:Policies:open:TokenLimit", "2")
            .WithSetting("Mesh:RateLimits:Policies:open:TokensPerPeriod", "1")
            .WithSetting("Mesh:RateLimits:Policies:open:Period", "00:00:30");
        _service = KestrelService<InventoryOptions>.Start(factory);
        _grpc = new InventoryService.InventoryServiceClient(_service.CreateGrpcChannel());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        _tokens.Dispose();
    }

    [Fact]
    public async Task A_caller_over_the_reads_limit_is_told_when_to_retry_while_others_and_its_writes_go_on()
    {
        using var rejected = new MetricWatch(_service.Factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), RateLimitMetrics.MeterName, "mesh.rate_limit.rejected");
        var ada = _tokens.Person(Guid.NewGuid().ToString(), MeshCaller.AdminRole);
        // Someone else's first call pays for start-up (key set, JIT), so Ada's burst is quick.
        await _grpc.ListItemsAsync(new ListItemsRequest(), Bearer(_tokens.Person(Guid.NewGuid().ToString())));

        // The bucket's timer adds a token every period, whenever it fires: a burst can straddle one
        // tick, so Ada gets her three reads and at most one more before she is refused.
        var admitted = 0;
        RpcException? limited = null;
        while (limited is null && admitted <= Burst + 1)
        {
            try
            {
                await _grpc.ListItemsAsync(new ListItemsRequest(), Bearer(ada));
                admitted++;
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted)
            {
                limited = exception;
            }
        }

        Assert.NotNull(limited);
        Assert.InRange(admitted, Burst, Burst + 1);
        Assert.Equal("RATE_LIMITED", RpcAssert.Reason(limited));
        var retry = limited.GetRpcStatus()?.GetDetail<RetryInfo>();
        Assert.NotNull(retry);
        Assert.InRange(retry.RetryDelay.ToTimeSpan(), TimeSpan.FromMilliseconds(1), Period);
        Assert.Equal("reads", limited.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Metadata["policy"]);
        Assert.Equal(1, rejected.Total("policy", "reads"));

        // Over REST the same bucket answers 429 (a second try if a tick refilled it in between).
        using var http = _service.CreateHttpClient();
        var status = HttpStatusCode.OK;
        HttpResponseMessage? response = null;
        for (var attempt = 0; attempt < 2 && status != HttpStatusCode.TooManyRequests; attempt++)
        {
            response?.Dispose();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/items");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ada);
            response = await http.SendAsync(request);
            status = response.StatusCode;
        }

        using (response)
        {
            await RestAssert.FailsAsync(response!, HttpStatusCode.TooManyRequests, Google.Rpc.Code.ResourceExhausted);
            Assert.InRange(response!.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), Period);
        }

        // Another person, Ada's writes, and the orders service each have a bucket of their own.
        await _grpc.ListItemsAsync(new ListItemsRequest(), Bearer(_tokens.Person(Guid.NewGuid().ToString())));
        await _grpc.CreateItemAsync(new CreateItemRequest
        {
            Sku = InventoryHttpFixture.NewSku("LIMIT"),
            Name = "Written while reads are limited",
            UnitPrice = new Common.V1.Money { CurrencyCode = "USD", AmountMinor = 100 },
            InitialQuantity = 1,
        }, Bearer(ada));
        for (var call = 0; call < Burst * 3; call++)
        {
            await _grpc.ListItemsAsync(new ListItemsRequest(), Bearer(_tokens.Service("orders")));
        }

        // The bucket refills: one token every ten seconds.
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await _grpc.ListItemsAsync(new ListItemsRequest(), Bearer(ada));
                return true;
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted)
            {
                return false;
            }
        }, "Ada's reads are admitted again once the bucket refills", Period * 2.5);
    }

    [Fact]
    public async Task Calls_without_a_token_such_as_health_checks_are_limited_by_client_address()
    {
        var health = new Health.HealthClient(_service.CreateGrpcChannel());
        await health.CheckAsync(new HealthCheckRequest());
        await health.CheckAsync(new HealthCheckRequest());

        var limited = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => health.CheckAsync(new HealthCheckRequest()).ResponseAsync);
        Assert.Equal("open", limited.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Metadata["policy"]);
    }

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };
}
