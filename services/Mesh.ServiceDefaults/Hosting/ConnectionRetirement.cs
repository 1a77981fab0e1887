using Grpc.Core;
using Microsoft.AspNetCore.Connections.Features;

namespace Mesh.ServiceDefaults.Hosting;

/// <summary>
/// Tells long-lived calls that their connection is being retired (its maximum age, or the server
/// stopping). Kestrel sends the final GOAWAY only once every stream on the connection has ended,
/// and a client meanwhile keeps starting calls there; so streams end promptly with UNAVAILABLE
/// (the caller resumes on a new connection) instead of holding the connection until the grace
/// period runs out and cutting off the calls that started behind them.
/// </summary>
public static class ConnectionRetirement
{
    /// <summary>Cancelled when the call's connection has been asked to close; never cancelled outside Kestrel.</summary>
    public static CancellationToken Token(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Microsoft.AspNetCore.Http.HttpContext http;
        try
        {
            http = context.GetHttpContext();
        }
        catch (InvalidOperationException)
        {
            // Not hosted by ASP.NET Core (e.g. a bare context in a test): no connection to retire.
            return CancellationToken.None;
        }

        return http.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
    }
}
