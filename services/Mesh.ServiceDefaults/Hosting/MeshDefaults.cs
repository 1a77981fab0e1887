using Grpc.AspNetCore.Server.Model;
using Grpc.Reflection;
using Mesh.ServiceDefaults.Health;
using Mesh.ServiceDefaults.Http;
using Mesh.ServiceDefaults.Interceptors;
using Mesh.ServiceDefaults.RateLimits;
using Mesh.ServiceDefaults.Reflection;
using Mesh.ServiceDefaults.Security;
using Mesh.ServiceDefaults.Rejections;
using Mesh.ServiceDefaults.Shutdown;
using Mesh.ServiceDefaults.Telemetry;
using Mesh.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.ServiceDefaults.Hosting;

/// <summary>The conventions every Mesh service is hosted with: h2c Kestrel, health, reflection, telemetry, interceptors.</summary>
public static class MeshDefaults
{
    /// <summary>Largest request message accepted; bigger ones get RESOURCE_EXHAUSTED.</summary>
    public const int MaxReceiveMessageSize = 1024 * 1024;

    public static WebApplicationBuilder AddMeshDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);

        // gRPC on plaintext HTTP/2 (h2c cannot be negotiated on an Http1AndHttp2 endpoint), and the
        // public HTTP/1.1 port beside it (REST, gRPC-Web, OpenAPI) when configured.
        var connectionAge = builder.Configuration.GetSection(ConnectionAgeOptions.Section).Get<ConnectionAgeOptions>() ?? new ConnectionAgeOptions();
        var listeners = MeshListeners.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(listeners);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            KestrelLimits.Apply(kestrel.Limits);
            // An endpoint added elsewhere (a test host's own Listen) is gRPC, as before the HTTP port.
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
            listeners.Bind(kestrel, listen => listen.Use(MaxConnectionAge.Middleware(connectionAge)));
        });
        // The listeners above are the endpoints; Kestrel's own urls list would override them.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);

        var auth = MeshAuthentication.IsEnabled(builder.Configuration);
        var rateLimits = RateLimitRegistration.IsEnabled(builder.Configuration);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MaxReceiveMessageSize;
            grpc.Interceptors.Add<CallTelemetryInterceptor>();
            grpc.Interceptors.Add<ErrorMappingInterceptor>();
            if (rateLimits)
            {
                // First: a caller over its rate costs no token check, no validation, no handler.
                grpc.Interceptors.Add<RateLimitInterceptor>();
            }

            if (auth)
            {
                // Before validation: a caller who may not call learns nothing about the request's fields.
                grpc.Interceptors.Add<AccessInterceptor>();
            }

            grpc.Interceptors.Add<ValidationInterceptor>();
        });
        // The contracts' access rules: the access check, the rate limits and the API document read them.
        builder.Services.AddSingleton<AccessPolicy>();
        if (auth)
        {
            builder.Services.AddMeshAuthentication();
        }

        if (rateLimits)
        {
            builder.Services.AddMeshRateLimits();
        }

        UseGuardedMethodBinding(builder.Services);
        builder.Services.AddSingleton<RejectionLog>();

        builder.Services.AddOptions<MeshHealthOptions>().BindConfiguration("Mesh:Health");
        builder.Services.AddSingleton<HealthStatusBoard>();
        builder.Services.AddHostedService<ReadinessMonitor>();

        builder.Services.AddOptions<MeshShutdownOptions>().BindConfiguration("Mesh:Shutdown");
        var shutdown = builder.Configuration.GetSection("Mesh:Shutdown").Get<MeshShutdownOptions>() ?? new MeshShutdownOptions();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = shutdown.DrainDelay + shutdown.Timeout);
        builder.Services.AddHostedService<DrainOnShutdown>();

        builder.Services.AddSingleton(provider => MeshReflection.CreateV1(provider.GetRequiredService<EndpointDataSource>()));
        builder.Services.AddSingleton(provider => MeshReflection.CreateV1Alpha(provider.GetRequiredService<EndpointDataSource>()));

        // HttpClientFactory logs four Information lines per outgoing gRPC call: on a PlaceOrder that
        // is most of the log volume and a measurable share of CPU. Warnings still show; a service's
        // configuration (Logging:LogLevel) can turn them back on.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        // grpc-dotnet logs every refused call at Information, a stack trace with each bad frame: any
        // client could flood the log. RejectedCallMiddleware and CallTelemetryInterceptor log those
        // calls instead; grpc-dotnet's Error entries (an exception outside our interceptors) still show.
        builder.Logging.AddFilter(GrpcCallHandlerCategory, LogLevel.Warning);

        builder.AddMeshTelemetry(serviceName, prometheus: listeners.MetricsAddresses.Count > 0);
        return builder;
    }

    /// <summary>Response header naming the replica that served the call (<c>grpcurl -v</c> shows it).</summary>
    public const string ReplicaHeader = "mesh-replica";

    /// <summary>The log category of grpc-dotnet's per-call handler.</summary>
    public const string GrpcCallHandlerCategory = "Grpc.AspNetCore.Server.ServerCallHandler";

    /// <summary>Whether server reflection is served (default true).</summary>
    public const string ReflectionEnabledKey = "Mesh:Reflection:Enabled";

    /// <summary>Maps grpc.health.v1 and server reflection (v1 and v1alpha).</summary>
    public static WebApplication MapMeshDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Which pod answered is the first question when watching calls spread; in Kubernetes the
        // host name is the pod name. Mesh:ReplicaName overrides it (the tests name loopback replicas).
        var replica = app.Configuration["Mesh:ReplicaName"] is { Length: > 0 } configured ? configured : Environment.MachineName;
        app.Use((context, next) =>
        {
            context.Response.Headers[ReplicaHeader] = replica;
            return next(context);
        });
        var listeners = app.Services.GetRequiredService<MeshListeners>();
        if (listeners.MetricsAddresses.Count > 0)
        {
            // The scrape port serves /metrics and nothing else; no other port serves /metrics.
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => listeners.IsMetricsPort(context) && context.Request.Path == "/metrics");
            app.UseWhen(listeners.IsMetricsPort, branch => branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsync("this port serves GET /metrics only\n", context.RequestAborted);
            }));
        }

        app.UseMiddleware<RejectedCallMiddleware>();
        app.MapGrpcService<MeshHealthService>();
        // Reflection is what lets grpcurl and Postman call without the protos; a production mesh may
        // close it (Mesh:Reflection:Enabled=false) so strangers cannot list its methods.
        if (app.Configuration.GetValue(ReflectionEnabledKey, defaultValue: true))
        {
            app.MapGrpcService<ReflectionV1ServiceImpl>();
            app.MapGrpcService<ReflectionServiceImpl>();
        }

        return app;
    }

    // grpc-dotnet's binder registers each method with the generated request marshaller, which
    // throws on bytes that do not parse (UNKNOWN, an Error log with a stack trace). Ours binds the
    // same methods with a guarded marshaller; without grpc-dotnet's there would be two of each route.
    internal static void UseGuardedMethodBinding(IServiceCollection services)
    {
        const string binderProvider = "Grpc.AspNetCore.Server.Model.Internal.BinderServiceMethodProvider`1";
        var registration = services.SingleOrDefault(descriptor =>
                descriptor.ServiceType == typeof(IServiceMethodProvider<>)
                && descriptor.ImplementationType?.FullName == binderProvider)
            ?? throw new InvalidOperationException(
                $"grpc-dotnet no longer registers {binderProvider}; review {nameof(GuardedMethodProvider<object>)} against its binder.");
        services.Remove(registration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(GuardedMethodProvider<>)));
    }

    /// <summary>Registers the validator that checks <typeparamref name="TRequest"/> before its handler runs.</summary>
    public static IServiceCollection AddRequestValidator<TRequest, TValidator>(this IServiceCollection services)
        where TValidator : class, IRequestValidator<TRequest> =>
        services.AddSingleton<IRequestValidator<TRequest>, TValidator>();
}
