using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Launcher;

/// <summary>
/// Checks that a ready service's HTTP port answers: readiness is reported over gRPC, so it says
/// nothing about the second listener, and the banner sends people to it.
/// </summary>
public static class HttpProbe
{
    /// <summary>What the probe asks for: every service's HTTP port serves it, whether /docs is on or not.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    // Kestrel binds all its listeners together at start, so a service that is ready on gRPC and
    // still refuses HTTP connections a second later has no HTTP listener: no use waiting longer.
    private static readonly TimeSpan RefusedFor = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Polls <c>GET /openapi/v1.json</c> on <paramref name="httpAddress"/> until it returns 200.
    /// Fails fast when the process exits or the port keeps refusing connections, and after
    /// <paramref name="timeout"/> (the first document can take a while to build) with the last answer.
    /// </summary>
    /// <exception cref="MeshLaunchException">The process exited or the port did not answer in time.</exception>
    public static async Task WaitUntilAnsweringAsync(ServiceProcess process, Uri httpAddress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(httpAddress);
        var document = new Uri(httpAddress, OpenApiPath);
        // Loopback only: an http_proxy in the developer's environment must not see these calls.
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = CallTimeout };
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(timeout);

        var lastAnswer = "no answer";
        long? refusedSince = null;
        while (!overall.IsCancellationRequested)
        {
            if (process.HasExited)
            {
                var exitCode = await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw MeshLaunchException.For(process, $"exited with code {exitCode} before its HTTP port answered.");
            }

            try
            {
                using var response = await client.GetAsync(document, HttpCompletionOption.ResponseHeadersRead, overall.Token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                refusedSince = null;
                lastAnswer = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (HttpRequestException exception) when (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                refusedSince ??= Stopwatch.GetTimestamp();
                if (Stopwatch.GetElapsedTime(refusedSince.Value) >= RefusedFor)
                {
                    throw Unanswered(process, httpAddress, $"it refused connections for {RefusedFor.TotalSeconds:0.#} s, so nothing listens there");
                }
            }
            catch (HttpRequestException exception) when (!overall.IsCancellationRequested)
            {
                refusedSince = null;
                lastAnswer = exception.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : exception.Message;
            }
            catch (HttpRequestException) when (overall.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException) when (!overall.IsCancellationRequested)
            {
                // HttpClient.Timeout: this call took too long; the next one may not.
                refusedSince = null;
                lastAnswer = $"no answer within {CallTimeout.TotalSeconds:0.#} s";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
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
        throw Unanswered(process, httpAddress, $"no 200 within {timeout.TotalSeconds:0.#} s (last answer: {lastAnswer})");
    }

    private static MeshLaunchException Unanswered(ServiceProcess process, Uri httpAddress, string reason) =>
        MeshLaunchException.For(
            process,
            $"ready on gRPC, but its HTTP port {httpAddress.GetLeftPart(UriPartial.Authority)} did not answer GET {OpenApiPath}: " +
            $"{reason}. REST, gRPC-Web and /docs would not work.");
}
