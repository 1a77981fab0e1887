using k8s;
using k8s.Models;

namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>
/// The documents of one `helm template` run, loaded into the Kubernetes object model with strict
/// YAML loading: an unknown kind or an unknown field anywhere fails the load.
/// </summary>
public sealed class RenderedChart
{
    /// <summary>The kinds the Kubernetes client has no model for.</summary>
    private static readonly Dictionary<string, Type> ExtraTypes = new()
    {
        [GatewayHttpRoute.TypeKey] = typeof(GatewayHttpRoute),
        [PodMonitor.TypeKey] = typeof(PodMonitor),
        [PrometheusRule.TypeKey] = typeof(PrometheusRule),
    };

    private RenderedChart(IReadOnlyList<IKubernetesObject> objects) => Objects = objects;

    public IReadOnlyList<IKubernetesObject> Objects { get; }

    public IEnumerable<V1Deployment> Deployments => Objects.OfType<V1Deployment>();

    public IEnumerable<V1Service> Services => Objects.OfType<V1Service>();

    public IEnumerable<V1ServiceAccount> ServiceAccounts => Objects.OfType<V1ServiceAccount>();

    public IEnumerable<V1PersistentVolumeClaim> PersistentVolumeClaims => Objects.OfType<V1PersistentVolumeClaim>();

    public IEnumerable<V1PodDisruptionBudget> PodDisruptionBudgets => Objects.OfType<V1PodDisruptionBudget>();

    public IEnumerable<V2HorizontalPodAutoscaler> HorizontalPodAutoscalers => Objects.OfType<V2HorizontalPodAutoscaler>();

    public IEnumerable<V1NetworkPolicy> NetworkPolicies => Objects.OfType<V1NetworkPolicy>();

    public IEnumerable<V1StatefulSet> StatefulSets => Objects.OfType<V1StatefulSet>();

    public IEnumerable<V1Secret> Secrets => Objects.OfType<V1Secret>();

    public IEnumerable<V1ConfigMap> ConfigMaps => Objects.OfType<V1ConfigMap>();

    public IEnumerable<V1Ingress> Ingresses => Objects.OfType<V1Ingress>();

    public IEnumerable<GatewayHttpRoute> HttpRoutes => Objects.OfType<GatewayHttpRoute>();

    public IEnumerable<PodMonitor> PodMonitors => Objects.OfType<PodMonitor>();

    public IEnumerable<PrometheusRule> PrometheusRules => Objects.OfType<PrometheusRule>();

    /// <summary>The Services of the three gRPC services (ClusterIP and headless), without the bundled database's.</summary>
    public IEnumerable<V1Service> GrpcServices => Services.Where(service =>
        service.Metadata.Labels?.TryGetValue("app.kubernetes.io/component", out var component) == true && component == "grpc-service");

    /// <summary>The `helm test` pods (hook "test").</summary>
    public IEnumerable<V1Pod> TestPods => Objects.OfType<V1Pod>()
        .Where(pod => pod.Metadata.Annotations?.TryGetValue("helm.sh/hook", out var hook) == true && hook == "test");

    public static RenderedChart Load(string yaml)
    {
        var objects = KubernetesYaml.LoadAllFromString(yaml, ExtraTypes, strict: true)
            .Cast<IKubernetesObject>()
            .ToArray();
        return new RenderedChart(objects);
    }

    /// <summary>The Deployment of one service ("users", "inventory", "orders").</summary>
    public V1Deployment Deployment(string service) =>
        Deployments.Single(deployment => deployment.Metadata.Name == $"{ChartRenderer.ReleaseName}-{service}");

    public V1Service Service(string name) => Services.Single(service => service.Metadata.Name == name);

    public V1Container Container(string service) => Deployment(service).Spec.Template.Spec.Containers.Single();

    /// <summary>A service's container port by name ("grpc", "http", "metrics").</summary>
    public V1ContainerPort ContainerPort(string service, string portName) =>
        Assert.Single(Container(service).Ports, port => port.Name == portName);

    /// <summary>The service ("users", "inventory", "orders") whose Deployment's pods a Service selects; fails unless exactly one.</summary>
    public string ServiceSelecting(V1Service service) =>
        Assert.Single(MeshFacts.Services, name => LabelSelectors.Matches(service.Spec.Selector, Deployment(name).Spec.Template.Metadata.Labels));

    /// <summary>The storage provider a service's container is configured with (Mesh__Storage__Provider).</summary>
    public string StorageProvider(string service) => Environment(service)["Mesh__Storage__Provider"].Value;

    /// <summary>A container's environment variables by name (each name once).</summary>
    public IReadOnlyDictionary<string, V1EnvVar> Environment(string service) =>
        Container(service).Env.ToDictionary(variable => variable.Name);
}
