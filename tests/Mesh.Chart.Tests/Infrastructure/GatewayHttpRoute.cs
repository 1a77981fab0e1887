using k8s;
using k8s.Models;

namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>
/// A Gateway API HTTPRoute (gateway.networking.k8s.io/v1), which the Kubernetes client has no model
/// for: the fields the chart renders, under the API's names, so strict loading rejects any other
/// (a misspelt field the API server would refuse).
/// </summary>
public sealed class GatewayHttpRoute : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The key KubernetesYaml looks the type up by: group/version/kind.</summary>
    public const string TypeKey = "gateway.networking.k8s.io/v1/HTTPRoute";

    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public V1ObjectMeta Metadata { get; set; } = new();

    public GatewayHttpRouteSpec Spec { get; set; } = new();
}

public sealed class GatewayHttpRouteSpec
{
    public IList<GatewayParentReference> ParentRefs { get; set; } = [];

    public IList<string>? Hostnames { get; set; }

    public IList<GatewayHttpRouteRule> Rules { get; set; } = [];
}

public sealed class GatewayParentReference
{
    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string? Namespace { get; set; }

    public string Name { get; set; } = string.Empty;

    public string? SectionName { get; set; }

    public int? Port { get; set; }
}

public sealed class GatewayHttpRouteRule
{
    public IList<GatewayHttpRouteMatch> Matches { get; set; } = [];

    public IList<GatewayHttpBackendRef> BackendRefs { get; set; } = [];
}

public sealed class GatewayHttpRouteMatch
{
    public GatewayHttpPathMatch? Path { get; set; }
}

public sealed class GatewayHttpPathMatch
{
    /// <summary>Exact, PathPrefix or RegularExpression.</summary>
    public string Type { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;
}

public sealed class GatewayHttpBackendRef
{
    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string Name { get; set; } = string.Empty;

    public string? Namespace { get; set; }

    public int? Port { get; set; }

    public int? Weight { get; set; }
}
