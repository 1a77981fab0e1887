namespace Mesh.ServiceDefaults.Hosting;

/// <summary>
/// How long a client connection may live (<c>Mesh:Connections</c>). gRPC keeps one HTTP/2
/// connection per client for as long as it can, so a caller that reaches the service through a
/// ClusterIP or an L4 balancer stays on one pod forever; ageing connections out makes such
/// callers reconnect, and spread again over pods added since. Off by default: in-mesh callers
/// balance per call and re-resolve DNS without it, and a call that races the server closing
/// an aged connection can fail (seen under stress with .NET's HTTP/2 client and Kestrel).
/// </summary>
public sealed class ConnectionAgeOptions
{
    public const string Section = "Mesh:Connections";

    /// <summary>After this (± <see cref="MaxAgeJitter"/>) the server sends GOAWAY; zero (the default) turns ageing off.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Fraction of <see cref="MaxAge"/> each connection's age is moved by at random (0.1 = ±10%),
    /// so connections opened together — e.g. after a rollout — do not all reconnect at once.
    /// </summary>
    public double MaxAgeJitter { get; set; } = 0.1;

    /// <summary>How long calls still running after GOAWAY may take before the connection is closed. Default 30 s.</summary>
    public TimeSpan MaxAgeGrace { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => MaxAge > TimeSpan.Zero;

    /// <summary>The age for one connection: <see cref="MaxAge"/> moved by up to ±<see cref="MaxAgeJitter"/>, from <paramref name="unit"/> in [0, 1).</summary>
    public TimeSpan AgeFor(double unit) => MaxAge * (1 + (Math.Clamp(MaxAgeJitter, 0, 0.5) * ((2 * unit) - 1)));
}
