namespace Mesh.Inventory.Domain;

/// <summary>How long a reservation holds stock without a commit.</summary>
public static class ReservationTtl
{
    public const long MinSeconds = 1;
    public const long MaxSeconds = 15 * 60;

    /// <summary>Used when the request leaves the TTL unset.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(5);

    /// <summary>
    /// True for a normalised duration of <see cref="MinSeconds"/> to <see cref="MaxSeconds"/>
    /// seconds inclusive. Negative and malformed durations (nanos out of range) fail too.
    /// </summary>
    public static bool IsWithinBounds(long seconds, int nanos)
    {
        if (nanos is < 0 or > 999_999_999)
        {
            return false;
        }

        return seconds >= MinSeconds && (seconds < MaxSeconds || (seconds == MaxSeconds && nanos == 0));
    }

    /// <summary>The TTL of a duration that passed <see cref="IsWithinBounds"/>, to the 100 ns tick.</summary>
    public static TimeSpan FromParts(long seconds, int nanos) =>
        TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(nanos / 100);
}
