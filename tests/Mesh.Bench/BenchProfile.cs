namespace Mesh.Bench;

/// <summary>How long and how hard each scenario runs: quick proves the harness works, full measures.</summary>
public sealed record BenchProfile
{
    public required string Name { get; init; }

    /// <summary>Load before measuring, so JIT, connection set-up and SQLite caches are out of the numbers.</summary>
    public required TimeSpan Warmup { get; init; }

    public required TimeSpan Measure { get; init; }

    /// <summary>Calls in flight in closed-loop mode (the same for baseline and reads, so they compare).</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>More closed-loop PlaceOrder runs at these concurrencies: its throughput depends on how many are in flight.</summary>
    public IReadOnlyList<int> ExtraPlaceOrderConcurrency { get; init; } = [];

    /// <summary>GrpcChannels (HTTP/2 connections) the load is spread over.</summary>
    public int Channels { get; init; } = 4;

    /// <summary>Fixed offered PlaceOrder rates of the open-loop sweep (the latency-versus-load plot); 1,000/s is the p99 target's.</summary>
    public required IReadOnlyList<double> SweepRates { get; init; }

    /// <summary>More sweep rates as fractions of the closed-loop maximum, so the plot shows the knee wherever it is.</summary>
    public required IReadOnlyList<double> SweepFractions { get; init; }

    public required TimeSpan SweepMeasure { get; init; }

    public int Subscribers { get; init; } = 100;

    /// <summary>Items each subscriber of the streaming baseline receives.</summary>
    public required int StreamFloorItems { get; init; }

    /// <summary>AdjustStock calls per second of the feed's single writer; each becomes one event per subscriber.</summary>
    public required double FeedWriteRate { get; init; }

    public required TimeSpan FeedDuration { get; init; }

    /// <summary>PlaceOrder calls per second of the messaging lag phase; null uses <see cref="FeedWriteRate"/>.</summary>
    public double? MessagingRate { get; init; }

    /// <summary>Events in the log the relay-throughput phase publishes.</summary>
    public required int RelayEvents { get; init; }

    /// <summary>A second, higher write rate that shows the feed's capacity; null skips it.</summary>
    public double? FeedCapacityWriteRate { get; init; }

    public required double RestartRate { get; init; }

    public required TimeSpan RestartDuration { get; init; }

    /// <summary>When, after the restart run starts, inventory is killed.</summary>
    public required TimeSpan RestartKillAfter { get; init; }

    /// <summary>PlaceOrder rate of the failover scenario (replicas on PostgreSQL, a smaller capacity than SQLite's).</summary>
    public required double FailoverRate { get; init; }

    /// <summary>
    /// Load at the failover rate on the freshly started replicas before the measured run (after 2 s
    /// flat out). With only the 2 s, the runtime's tier-1 recompilation went on into the run (45 % of
    /// the replicas' CPU samples were the JIT's background thread) and the first seconds measured
    /// the feeds catching up with the burst.
    /// </summary>
    public required TimeSpan FailoverWarmup { get; init; }

    /// <summary>The longest a fresh mesh is loaded before measuring, waiting for its tier-up compilation to stop (<see cref="Load.CompiledWarmUp"/>).</summary>
    public required TimeSpan CompileWarmupMax { get; init; }

    public required int StartupRepetitions { get; init; }

    public required int H2LoadRequests { get; init; }

    public bool EchoWithMeshDefaults { get; init; } = true;

    public static BenchProfile Quick { get; } = new()
    {
        Name = "quick",
        Warmup = TimeSpan.FromSeconds(0.5),
        Measure = TimeSpan.FromSeconds(1.5),
        SweepRates = [1000],
        SweepFractions = [0.5],
        SweepMeasure = TimeSpan.FromSeconds(1.5),
        FeedWriteRate = 300,
        RelayEvents = 5_000,
        StreamFloorItems = 1_000,
        FeedDuration = TimeSpan.FromSeconds(1.5),
        RestartRate = 100,
        RestartDuration = TimeSpan.FromSeconds(5),
        RestartKillAfter = TimeSpan.FromSeconds(1),
        FailoverRate = 20,
        FailoverWarmup = TimeSpan.FromSeconds(2),
        CompileWarmupMax = TimeSpan.FromSeconds(2),
        StartupRepetitions = 1,
        H2LoadRequests = 5_000,
        EchoWithMeshDefaults = false,
    };

    public static BenchProfile Full { get; } = new()
    {
        Name = "full",
        Warmup = TimeSpan.FromSeconds(3),
        Measure = TimeSpan.FromSeconds(10),
        SweepRates = [500, 1000, 1500, 2000, 2500, 3000],
        SweepFractions = [0.1, 0.25, 0.5, 0.75, 0.9, 1.1],
        SweepMeasure = TimeSpan.FromSeconds(8),
        FeedWriteRate = 1000,
        FeedCapacityWriteRate = 2000,
        RelayEvents = 100_000,
        StreamFloorItems = 10_000,
        FeedDuration = TimeSpan.FromSeconds(10),
        RestartRate = 100, // well below saturation, so the numbers show the restart, not a backlog
        RestartDuration = TimeSpan.FromSeconds(20),
        RestartKillAfter = TimeSpan.FromSeconds(5),
        FailoverRate = 20, // below what PostgreSQL-backed PlaceOrder sustains on this machine (see docs/benchmarks.md)
        FailoverWarmup = TimeSpan.FromSeconds(10),
        CompileWarmupMax = TimeSpan.FromSeconds(60),
        StartupRepetitions = 3,
        H2LoadRequests = 60_000,
        ExtraPlaceOrderConcurrency = [256],
    };

    /// <summary>This profile with every load phase measured for <paramref name="seconds"/> instead.</summary>
    public BenchProfile WithSeconds(double seconds) => this with
    {
        Measure = TimeSpan.FromSeconds(seconds),
        SweepMeasure = TimeSpan.FromSeconds(seconds),
        FeedDuration = TimeSpan.FromSeconds(seconds),
    };
}
