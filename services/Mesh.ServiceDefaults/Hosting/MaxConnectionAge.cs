using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Mesh.ServiceDefaults.Hosting;

/// <summary>
/// Kestrel connection middleware that retires each connection after its (jittered) maximum age:
/// it asks Kestrel to close gracefully — for HTTP/2 a GOAWAY, so the client opens a new
/// connection for its next call while calls already running finish — and aborts whatever is
/// still open after the grace period.
/// </summary>
public static class MaxConnectionAge
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(ConnectionAgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return next => options.Enabled ? context => RunAsync(next, context, options) : next;
    }

    private static async Task RunAsync(ConnectionDelegate next, ConnectionContext context, ConnectionAgeOptions options)
    {
        using var retire = CancellationTokenSource.CreateLinkedTokenSource(context.ConnectionClosed);
        var retiring = RetireAsync(context, options.AgeFor(Random.Shared.NextDouble()), options.MaxAgeGrace, retire.Token);
        try
        {
            await next(context);
        }
        finally
        {
            await retire.CancelAsync();
            await retiring;
        }
    }

    private static async Task RetireAsync(ConnectionContext context, TimeSpan age, TimeSpan grace, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(age, cancellationToken);
            // Graceful first: Kestrel stops taking new streams on this connection and sends GOAWAY.
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            await Task.Delay(grace, cancellationToken);
            context.Abort(new ConnectionAbortedException("The connection reached its maximum age and grace period."));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The connection ended first.
        }
    }
}
