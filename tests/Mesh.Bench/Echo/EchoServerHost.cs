using Mesh.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Bench.Echo;

/// <summary>
/// Runs the baseline echo server in this process (the harness starts it as a child, so it is a
/// process of its own like each service, with the services' server GC). "bare" is plain
/// grpc-dotnet on h2c Kestrel, the floor for one call; "mesh" adds exactly what AddMeshDefaults
/// gives every service (interceptors, OpenTelemetry, health, reflection), to show what they cost.
/// </summary>
public static class EchoServerHost
{
    public static async Task RunAsync(string kind, int port)
    {
        var builder = WebApplication.CreateBuilder([$"--urls=http://127.0.0.1:{port}"]);
        // As in the services' appsettings.json: no per-request Information logs from ASP.NET Core.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (kind == "mesh")
        {
            builder.AddMeshDefaults("echo");
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
        }

        var app = builder.Build();
        if (kind == "mesh")
        {
            app.MapMeshDefaults();
        }

        app.MapGrpcService<EchoGrpcService>();
        await app.RunAsync().ConfigureAwait(false);
    }
}
