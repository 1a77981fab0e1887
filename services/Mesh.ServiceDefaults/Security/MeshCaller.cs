using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// Who is making the current call, as the access rule saw it: a person (their subject and roles),
/// a Mesh service (its name, and the person it acts for if it said so), or — with access control
/// off — anyone, who may do everything.
/// </summary>
public sealed record MeshCaller
{
    /// <summary>The caller when access control is off: trusted with everything.</summary>
    public static readonly MeshCaller Unrestricted = new() { IsUnrestricted = true };

    public static readonly MeshCaller Anonymous = new();

    /// <summary>Whether access control is off.</summary>
    public bool IsUnrestricted { get; private init; }

    /// <summary>The person's subject; null for services and anonymous callers.</summary>
    public string? Subject { get; private init; }

    /// <summary>The person's roles.</summary>
    public IReadOnlySet<string> Roles { get; private init; } = new HashSet<string>();

    /// <summary>The Mesh service's name (users, inventory, orders); null for people.</summary>
    public string? Service { get; private init; }

    /// <summary>
    /// The person a service says it acts for (the <see cref="ActingForHeader"/> entry). Trusted only
    /// from a service: a person's header is ignored.
    /// </summary>
    public string? ActingFor { get; private init; }

    /// <summary>
    /// The subject of a valid workload token that belongs to no Mesh service (another pod in the
    /// cluster): authenticated, but admitted nowhere.
    /// </summary>
    public string? Workload { get; private init; }

    /// <summary>Whether the caller proved who they are (otherwise the answer is UNAUTHENTICATED).</summary>
    public bool IsAuthenticated => IsUnrestricted || Subject is not null || Service is not null || Workload is not null;

    /// <summary>The metadata entry a service names the person it acts for in.</summary>
    public const string ActingForHeader = "mesh-acting-for";

    /// <summary>The role that may do everything a person may do.</summary>
    public const string AdminRole = "admin";

    public bool IsPerson => Subject is not null;

    public bool IsAdmin => IsUnrestricted || Roles.Contains(AdminRole);

    public static MeshCaller Person(string subject, IEnumerable<string> roles) =>
        new() { Subject = subject, Roles = roles.ToHashSet(StringComparer.Ordinal) };

    public static MeshCaller ForService(string name, string? actingFor) => new() { Service = name, ActingFor = actingFor };

    public static MeshCaller ForWorkload(string subject) => new() { Workload = subject };

    /// <summary>A caller whose token did not validate; <paramref name="failure"/> says why.</summary>
    public static MeshCaller Rejected(Exception? failure) => new() { Failure = failure };

    /// <summary>Why the presented token was refused; null when none was presented or it validated.</summary>
    public Exception? Failure { get; private init; }

    /// <summary>
    /// Whether this caller may see a resource that belongs to <paramref name="ownerId"/>; a handler
    /// answers NOT_FOUND otherwise, exactly as for a resource that does not exist.
    /// </summary>
    public bool Owns(string ownerId) =>
        IsAdmin || Service is not null || (Subject is not null && SameId(Subject, ownerId));

    /// <summary>Compares ids as UUIDs when both are (case and braces aside), else exactly.</summary>
    public static bool SameId(string left, string right) =>
        Guid.TryParse(left, out var a) && Guid.TryParse(right, out var b) ? a == b : string.Equals(left, right, StringComparison.Ordinal);

    /// <summary>For logs: the subject, or the service and whom it acts for.</summary>
    public override string ToString() => IsUnrestricted ? "anyone"
        : Subject is not null ? $"person {Subject}"
        : Service is not null ? (ActingFor is null ? $"service {Service}" : $"service {Service} for {ActingFor}")
        : Workload is not null ? $"workload {Workload}"
        : "anonymous";
}

/// <summary>Finds the <see cref="MeshCaller"/> the access interceptor recorded for a call.</summary>
public static class MeshCallerExtensions
{
    /// <summary>The caller of this call; <see cref="MeshCaller.Unrestricted"/> when access control is off.</summary>
    public static MeshCaller Caller(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetHttpContext().Features.Get<MeshCaller>() ?? MeshCaller.Unrestricted;
    }

    internal static void SetCaller(this HttpContext context, MeshCaller caller) => context.Features.Set(caller);
}
