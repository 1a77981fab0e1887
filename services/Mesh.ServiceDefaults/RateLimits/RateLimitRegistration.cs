using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace Mesh.ServiceDefaults.RateLimits;

/// <summary>Registers per-caller rate limits when <c>Mesh:RateLimits:Enabled</c> is set.</summary>
public static class RateLimitRegistration
{
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.Enabled)}");

    public static IServiceCollection AddMeshRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(options => options.Policies.Values.All(bucket => bucket.TokenLimit > 0 && bucket.TokensPerPeriod > 0 && bucket.Period > TimeSpan.Zero),
                "every Mesh:RateLimits:Policies entry needs TokenLimit > 0, TokensPerPeriod > 0 and Period > 0")
            .ValidateOnStart();
        services.TryAddSingleton<CallerRateLimiter>();
        services.TryAddSingleton<RateLimitMetrics>();
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(RateLimitMetrics.MeterName));
        return services;
    }
}
