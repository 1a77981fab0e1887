using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mesh.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs through OpenTelemetry. W3C trace context travels in gRPC
/// metadata (HttpClient and ASP.NET Core propagate it), so one PlaceOrder is one trace
/// across the mesh. Export is OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, silent otherwise.
/// </summary>
public static class MeshTelemetry
{
    /// <summary>ActivitySource for spans the services create themselves.</summary>
    public const string ActivitySourceName = "Mesh";

    /// <param name="prometheus">Also keep metrics for Prometheus to scrape (the service has a metrics listener).</param>
    public static IHostApplicationBuilder AddMeshTelemetry(this IHostApplicationBuilder builder, string serviceName, bool prometheus = false)
    {
        builder.Services.AddSingleton<RpcMetrics>();
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName,
                serviceVersion: typeof(MeshTelemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(ActivitySourceName)
                .AddAspNetCoreInstrumentation(options => options.RecordException = true)
                .AddGrpcClientInstrumentation(options => options.SuppressDownstreamInstrumentation = true))
            .WithMetrics(metrics => metrics
                .AddMeter(RpcMetrics.MeterName, Feeds.FeedConsumerMetrics.MeterName, Feeds.FeedServingMetrics.MeterName, Storage.ReadViews.MeterName)
                // GC, thread pool, CPU and memory of the process, built into .NET.
                .AddMeter("System.Runtime")
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddView("rpc.server.duration", new ExplicitBucketHistogramConfiguration
                {
                    Boundaries = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
                }));

        if (prometheus)
        {
            // Pull: Prometheus (or a ServiceMonitor) scrapes /metrics on the metrics port; OTLP below
            // is push to a collector. Both may run: each reader keeps its own aggregation.
            otel.WithMetrics(metrics => metrics.AddPrometheusExporter());
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }
}
