using System.Globalization;

namespace Mesh.Bench.Load;

/// <summary>How a <see cref="CompiledWarmUp"/> ended.</summary>
/// <param name="LastRoundPerSecond">What the last round achieved, closed loop.</param>
/// <param name="TierUpShare">The busiest service's tier-up compilation in the last round, in cores; null when not seen.</param>
public sealed record WarmUpResult(TimeSpan Elapsed, double LastRoundPerSecond, double? TierUpShare)
{
    /// <summary>Whether the compiler went quiet (false: the cap or a blind, fixed warm-up ended it).</summary>
    public bool Settled => TierUpShare <= CompiledWarmUp.QuietShare;

    public string Describe() => TierUpShare switch
    {
        null => string.Create(CultureInfo.InvariantCulture, $"warmed {Elapsed.TotalSeconds:0} s (fixed: the services' processes are not seen)"),
        _ when Settled => string.Create(CultureInfo.InvariantCulture, $"warmed {Elapsed.TotalSeconds:0} s, until tier-up compilation stopped (last round {LastRoundPerSecond:0}/s)"),
        _ => string.Create(CultureInfo.InvariantCulture, $"warmed {Elapsed.TotalSeconds:0} s (the cap); tier-up compilation still {TierUpShare:P0} of a core (last round {LastRoundPerSecond:0}/s)"),
    };
}
