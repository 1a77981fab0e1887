using k8s;
using k8s.Models;

namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>
/// A Prometheus Operator PodMonitor (monitoring.coreos.com/v1), which the Kubernetes client has no
/// model for: the fields the chart renders, under the CRD's names, so strict loading rejects any other.
/// </summary>
public sealed class PodMonitor : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The key KubernetesYaml looks the type up by: group/version/kind.</summary>
    public const string TypeKey = "monitoring.coreos.com/v1/PodMonitor";

    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public V1ObjectMeta Metadata { get; set; } = new();

    public PodMonitorSpec Spec { get; set; } = new();
}

public sealed class PodMonitorSpec
{
    /// <summary>The pod label whose value becomes the targets' job.</summary>
    public string? JobLabel { get; set; }

    /// <summary>Pod labels copied onto the targets (dots and slashes become underscores).</summary>
    public IList<string>? PodTargetLabels { get; set; }

    public V1LabelSelector Selector { get; set; } = new();

    public IList<PodMetricsEndpoint> PodMetricsEndpoints { get; set; } = [];
}

public sealed class PodMetricsEndpoint
{
    /// <summary>The name of the pod's container port.</summary>
    public string? Port { get; set; }

    public string? Path { get; set; }

    public string? Scheme { get; set; }

    public string? Interval { get; set; }

    public string? ScrapeTimeout { get; set; }
}

/// <summary>A Prometheus Operator PrometheusRule (monitoring.coreos.com/v1): the fields the chart renders.</summary>
public sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    public const string TypeKey = "monitoring.coreos.com/v1/PrometheusRule";

    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public V1ObjectMeta Metadata { get; set; } = new();

    public PrometheusRuleSpec Spec { get; set; } = new();
}

public sealed class PrometheusRuleSpec
{
    public IList<PrometheusRuleGroup> Groups { get; set; } = [];
}

public sealed class PrometheusRuleGroup
{
    public string Name { get; set; } = string.Empty;

    public IList<PrometheusAlertRule> Rules { get; set; } = [];
}

public sealed class PrometheusAlertRule
{
    public string Alert { get; set; } = string.Empty;

    public string Expr { get; set; } = string.Empty;

    /// <summary>How long the expression must hold before the alert fires, e.g. 5m; null fires at once.</summary>
    public string? For { get; set; }

    public IDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();

    public IDictionary<string, string> Annotations { get; set; } = new Dictionary<string, string>();
}
