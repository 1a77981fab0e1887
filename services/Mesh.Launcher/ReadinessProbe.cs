using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Mesh.Launcher;

/// <summary>Waits for a service to report SERVING on the grpc.health.v1 name "readiness".</summary>
public static class ReadinessProbe
{
    /// <summary>The health name that means "ready for traffic".</summary>
    public const string HealthName = "readiness";

    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Polls until readiness is SERVING. Fails fast when the process exits, and after
    /// <paramref name="timeout"/> with the last answer the service gave.
    /// </summary>
    /// <exception cref="MeshLaunchException">The process exited or did not become ready in time.</exception>
    public static async Task WaitUntilServingAsync(ServiceProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        using var channel = GrpcChannel.ForAddress(process.Address);
        var client = new Health.HealthClient(channel);
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(timeout);

        var lastAnswer = "no answer";
        while (!overall.IsCancellationRequested)
        {
            if (process.HasExited)
            {
                // Drain the output first so the tail holds the reason it died.
                var exitCode = await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw MeshLaunchException.For(process, $"exited with code {exitCode} before it was ready.");
            }

            try
            {
                var reply = await client.CheckAsync(
                    new HealthCheckRequest { Service = HealthName },
                    deadline: DateTime.UtcNow.Add(CallDeadline),
                    cancellationToken: overall.Token).ConfigureAwait(false);
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }

                lastAnswer = reply.Status.ToString();
            }
            catch (RpcException exception) when (!overall.IsCancellationRequested)
            {
                lastAnswer = $"{exception.StatusCode}: {exception.Status.Detail}";
            }
            catch (RpcException) when (overall.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(PollInterval, overall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw MeshLaunchException.For(
            process,
            $"not ready within {timeout.TotalSeconds:0.#} s (last readiness answer: {lastAnswer}).");
    }
}
