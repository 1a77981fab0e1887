using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Hosting;

namespace Mesh.ServiceDefaults.Health;

/// <summary>
/// grpc.health.v1 backed by <see cref="HealthStatusBoard"/>. Unlike a plain status map, Watch
/// streams end with UNAVAILABLE when the process stops, so they never hold up shutdown.
/// </summary>
public sealed class MeshHealthService(HealthStatusBoard board, IHostApplicationLifetime lifetime) : Grpc.Health.V1.Health.HealthBase
{
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        var status = board.Get(request.Service)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"unknown health service name '{request.Service}'"));
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var retiring = Hosting.ConnectionRetirement.Token(context);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping, retiring);
        HealthCheckResponse.Types.ServingStatus? sent = null;
        while (!stop.IsCancellationRequested)
        {
            var changed = board.NextChange();
            var status = board.Get(request.Service) ?? HealthCheckResponse.Types.ServingStatus.ServiceUnknown;
            if (status != sent)
            {
                await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
                sent = status;
            }

            try
            {
                await changed.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            if (sent != HealthCheckResponse.Types.ServingStatus.NotServing && request.Service != HealthNames.Liveness)
            {
                await responseStream.WriteAsync(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.NotServing }, context.CancellationToken);
            }

            throw new RpcException(new Status(StatusCode.Unavailable, "the server is shutting down; watch another replica"));
        }

        if (retiring.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // Not a health change: the connection reached its maximum age. Watch again on a new one.
            throw new RpcException(new Status(StatusCode.Unavailable, "this connection is being retired (maximum age); watch again"));
        }
    }
}
