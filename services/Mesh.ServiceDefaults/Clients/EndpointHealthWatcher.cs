using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// Follows one endpoint's readiness over grpc.health.v1 <c>Watch</c>, on a connection of its own
/// (grpc-dotnet cannot run a call on a chosen subchannel), so the balancer can stop picking the
/// endpoint the moment it reports NOT_SERVING or its watch breaks — before Kubernetes or DNS
/// notice. A broken watch is retried with capped backoff.
/// </summary>
public sealed class EndpointHealthWatcher : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan QuickRewatchPause = TimeSpan.FromMilliseconds(50);
    private const int QuickRewatches = 3;

    private readonly CancellationTokenSource _stop = new();
    private readonly Action _changed;
    private readonly ILogger _logger;
    private readonly string _healthName;
    private int _health = (int)EndpointHealth.Unknown;

    public EndpointHealthWatcher(DnsEndPoint endpoint, string healthName, Action changed, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        _healthName = healthName;
        _changed = changed;
        _logger = logger;
        _ = Task.Run(() => RunAsync(_stop.Token));
    }

    public DnsEndPoint Endpoint { get; }

    public EndpointHealth Health => (EndpointHealth)Volatile.Read(ref _health);

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var host = Endpoint.Host.Contains(':', StringComparison.Ordinal) ? $"[{Endpoint.Host}]" : Endpoint.Host;
        using var channel = GrpcChannel.ForAddress($"http://{host}:{Endpoint.Port}", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(2),
                // A peer that vanishes without closing (a killed node) is noticed by the pings.
                KeepAlivePingDelay = TimeSpan.FromSeconds(5),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            },
        });
        var client = new Grpc.Health.V1.Health.HealthClient(channel);
        var retry = FirstRetry;
        var quickRewatches = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = client.Watch(new HealthCheckRequest { Service = _healthName }, cancellationToken: cancellationToken);
                while (await call.ResponseStream.MoveNext(cancellationToken))
                {
                    Set(call.ResponseStream.Current.Status == HealthCheckResponse.Types.ServingStatus.Serving ? EndpointHealth.Serving : EndpointHealth.NotServing);
                    retry = FirstRetry;
                    quickRewatches = 0;
                }

                // The server ended the watch: it is shutting down.
                Set(EndpointHealth.NotServing);
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unimplemented)
            {
                Set(EndpointHealth.Serving);
                return;
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested && quickRewatches < QuickRewatches && Health == EndpointHealth.Serving)
            {
                // A serving endpoint's watch also ends when its connection reaches the server's
                // maximum age, and the next one can land on that closing connection too: watch again
                // a few times, quickly, before judging it. A dead endpoint keeps failing (and its
                // subchannel is down anyway, so it gets no calls meanwhile).
                if (!await PauseAsync(QuickRewatchPause * quickRewatches++, cancellationToken))
                {
                    return;
                }

                continue;
            }
            catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogDebug("Health watch of {Endpoint} failed with {Status}; not picking it until it answers", Endpoint, exception.StatusCode);
                Set(EndpointHealth.NotServing);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (!await PauseAsync(retry, cancellationToken))
            {
                return;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    /// <summary>Waits; false when the watcher is being stopped.</summary>
    private static async Task<bool> PauseAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(pause, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Set(EndpointHealth health)
    {
        if (Interlocked.Exchange(ref _health, (int)health) != (int)health)
        {
            _logger.LogInformation("Endpoint {Endpoint} is now {Health}", Endpoint, health);
            _changed();
        }
    }
}
