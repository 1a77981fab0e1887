using System.Collections.Frozen;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mesh.Auth.V1;
using Mesh.Contracts;

namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// The access rule of every Mesh method, read from the <c>(mesh.auth.v1.access)</c> option the
/// contracts declare next to each method, and the one decision made from it.
/// </summary>
public sealed class AccessPolicy
{
    private readonly FrozenDictionary<string, MethodAccess> _methods;

    /// <summary>The rules of every method of the Mesh contracts.</summary>
    public AccessPolicy()
    {
        _methods = MeshDescriptors.Files
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)
            .ToFrozenDictionary(method => $"/{method.Service.FullName}/{method.Name}", method => new MethodAccess(method, method.GetOptions()?.GetExtension(AccessExtensions.Access)), StringComparer.Ordinal);
    }

    /// <summary>Every Mesh method and its rule (null when the method declares none).</summary>
    public IEnumerable<MethodAccess> Methods => _methods.Values;

    /// <summary>
    /// The infrastructure services every port keeps open: health (probes, load balancers) and
    /// reflection (grpcurl). Reflection can be closed at the network edge; see the chart.
    /// </summary>
    public static bool IsOpen(string method) =>
        method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal)
        || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);

    /// <summary>The rule of <paramref name="method"/> (<c>/package.Service/Method</c>), or null for an unknown method.</summary>
    public MethodAccess? Find(string method) => _methods.GetValueOrDefault(method);
}

/// <summary>One method and its declared rule.</summary>
public sealed record MethodAccess(MethodDescriptor Method, AccessRule? Rule)
{
    public string FullName => $"/{Method.Service.FullName}/{Method.Name}";

    /// <summary>Whether <paramref name="caller"/> may call with <paramref name="request"/>.</summary>
    public bool Admits(MeshCaller caller, IMessage request)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsUnrestricted)
        {
            return true;
        }

        if (Rule is null)
        {
            return false;
        }

        if (caller.Service is { } service)
        {
            return Rule.Services.Contains(service);
        }

        if (caller.Subject is not { } subject)
        {
            return false;
        }

        return Rule.AnyPerson
            || Rule.OwnerOnly
            || Rule.Roles.Any(caller.Roles.Contains)
            || (Rule.SubjectField.Length > 0 && RequestField(request) is { Length: > 0 } value && MeshCaller.SameId(subject, value));
    }

    /// <summary>What the rule asks for, in words, for PERMISSION_DENIED messages and the API document.</summary>
    public string Describe()
    {
        if (Rule is null)
        {
            return "nobody (the method declares no access rule)";
        }

        var clauses = new List<string>();
        if (Rule.AnyPerson)
        {
            clauses.Add("any signed-in person");
        }

        if (Rule.SubjectField.Length > 0)
        {
            clauses.Add($"the person whose subject is {Rule.SubjectField}");
        }

        if (Rule.OwnerOnly)
        {
            clauses.Add("any signed-in person, for what they own");
        }

        clauses.AddRange(Rule.Roles.Select(role => $"role {role}"));
        clauses.AddRange(Rule.Services.Select(service => $"service {service}"));
        return clauses.Count == 0 ? "nobody" : string.Join(", or ", clauses);
    }

    private string? RequestField(IMessage request)
    {
        var field = request.Descriptor.FindFieldByName(Rule!.SubjectField);
        return field is { FieldType: FieldType.String, IsRepeated: false } ? field.Accessor.GetValue(request) as string : null;
    }
}
