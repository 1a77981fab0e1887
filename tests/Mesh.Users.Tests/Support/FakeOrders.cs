using Mesh.Orders.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Users.Tests.Support;

/// <summary>
/// A stand-in orders service on its own TestServer, serving the order event log from memory,
/// so the users service's order statistics consumer can be driven event by event.
/// </summary>
public sealed class FakeOrders : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOrders(WebApplication app, FakeOrderLog log)
    {
        _app = app;
        Log = log;
    }

    public FakeOrderLog Log { get; }

    public static async Task<FakeOrders> StartAsync()
    {
        var log = new FakeOrderLog();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(log);
        var app = builder.Build();
        app.MapGrpcService<FakeOrderService>();
        await app.StartAsync();
        return new FakeOrders(app, log);
    }

    /// <summary>A handler into this server, for the users service's <see cref="OrderService.OrderServiceClient"/>.</summary>
    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
