using Microsoft.Extensions.Configuration;

namespace Mesh.DnsProbe;

/// <summary>
/// How the probe calls, from configuration section <c>Probe</c> (command line <c>--Probe:Rate=30</c>,
/// or <c>Probe__Rate</c> in the environment).
/// </summary>
internal sealed record ProbeOptions(TimeSpan Duration, double Rate, int WarmupReplicas)
{
    /// <summary>Reads the section; the defaults make about 300 calls in 10 s.</summary>
    public static ProbeOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Probe");
        var options = new ProbeOptions(
            section.GetValue("Duration", TimeSpan.FromSeconds(10)),
            section.GetValue("Rate", 30.0),
            section.GetValue("WarmupReplicas", 0));
        // Bounded on purpose: the probe is a test tool and must stop by itself.
        if (options.Duration <= TimeSpan.Zero || options.Duration > TimeSpan.FromMinutes(5)
            || options.Rate <= 0 || options.Rate > 1000 || options.WarmupReplicas is < 0 or > 100)
        {
            throw new ArgumentException($"Probe settings out of range: {options}");
        }

        return options;
    }

    /// <summary>Longest warm-up: past it the measured run starts anyway (and its counts show why).</summary>
    public static TimeSpan WarmupLimit { get; } = TimeSpan.FromSeconds(20);

    /// <summary>Calls in the measured run: rate × duration.</summary>
    public int Calls => (int)Math.Round(Duration.TotalSeconds * Rate);
}
