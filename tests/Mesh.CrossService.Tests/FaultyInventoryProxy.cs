using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Inventory.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.CrossService.Tests;

/// <summary>
/// A real gRPC server on loopback that stands between orders and the real inventory process:
/// it forwards every call, except that ReserveStock answers UNAVAILABLE after inventory has done
/// it — "the sale went through, its answer was lost", on real sockets.
/// </summary>
public sealed class FaultyInventoryProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _upstream;

    private FaultyInventoryProxy(WebApplication app, GrpcChannel upstream, Uri address)
    {
        _app = app;
        _upstream = upstream;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<FaultyInventoryProxy> StartAsync(Uri inventory)
    {
        var upstream = GrpcChannel.ForAddress(inventory);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new InventoryService.InventoryServiceClient(upstream));
        var app = builder.Build();
        app.MapGrpcService<ForwardingInventory>();
        await app.StartAsync();
        return new FaultyInventoryProxy(app, upstream, new Uri(app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private sealed class ForwardingInventory(InventoryService.InventoryServiceClient inventory) : InventoryService.InventoryServiceBase
    {
        public override async Task<BatchGetItemsResponse> BatchGetItems(BatchGetItemsRequest request, ServerCallContext context) =>
            await inventory.BatchGetItemsAsync(request, deadline: context.Deadline);

        public override async Task<ReserveStockResponse> ReserveStock(ReserveStockRequest request, ServerCallContext context)
        {
            await inventory.ReserveStockAsync(request, deadline: context.Deadline);
            throw new RpcException(new Status(StatusCode.Unavailable, "inventory went away after the sale (injected by the test proxy)"));
        }

        public override async Task<ReleaseReservationResponse> ReleaseReservation(ReleaseReservationRequest request, ServerCallContext context) =>
            await inventory.ReleaseReservationAsync(request, deadline: context.Deadline);

        public override async Task<ListItemsResponse> ListItems(ListItemsRequest request, ServerCallContext context) =>
            await inventory.ListItemsAsync(request, deadline: context.Deadline);

        // Orders' catalog cache follows this feed through the proxy too.
        public override async Task WatchInventory(WatchInventoryRequest request, IServerStreamWriter<WatchInventoryResponse> responseStream, ServerCallContext context)
        {
            using var call = inventory.WatchInventory(request, cancellationToken: context.CancellationToken);
            while (await call.ResponseStream.MoveNext(context.CancellationToken))
            {
                await responseStream.WriteAsync(call.ResponseStream.Current, context.CancellationToken);
            }
        }
    }
}
