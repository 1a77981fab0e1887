using System.Text;
using Mesh.Chart.Tests.Infrastructure;
using k8s.Models;

namespace Mesh.Chart.Tests;

/// <summary>
/// messaging: the services' AMQP URL (always from a Secret key) and exchange, users' order-statistics
/// transport, the bundled RabbitMQ (StatefulSet, Service, Secret) rendered only with messaging on, the
/// NetworkPolicy egress to the broker, and the values the chart and its schema refuse. That the bundled
/// Secret keeps its password across upgrades (`lookup`) needs a cluster: `helm template` cannot look
/// anything up, so it is not tested here (as for the bundled PostgreSQL).
/// </summary>
public sealed class MessagingTests
{
    private const string Bundled = "values-messaging.yaml";

    private const string BrokerName = $"{ChartRenderer.ReleaseName}-rabbitmq";

    private const string UrlVariable = "Mesh__Messaging__Url";
    private const string ExchangeVariable = "Mesh__Messaging__Exchange";
    private const string TransportVariable = "Mesh__Users__OrderStats__Transport";

    private static readonly EndpointPort Amqp = new("amqp", 5672, "TCP");
    private static readonly EndpointPort Amqps = new("amqps", 5671, "TCP");
    private static readonly EndpointPort Epmd = new("epmd", 4369, "TCP");
    private static readonly EndpointPort Grpc = new("grpc", MeshFacts.ContainerPort, "TCP");
    private static readonly EndpointPort Dns = new("dns", 53, "UDP");
    private static readonly EndpointPort Https = new("https", 443, "TCP");

    private static readonly NetworkEndpoint KubeDns = new("kube-dns", "kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" }, [Dns]);

    private static readonly string[] External =
    [
        "--set", "messaging.enabled=true",
        "--set", "messaging.existingSecret=mesh-amqp",
        "--set", "messaging.existingSecretKey=amqpUrl",
        "--set", "messaging.exchange=shop.events",
        "--set-json", """messaging.egressTo=[{"ipBlock":{"cidr":"10.50.0.0/24"}}]""",
    ];

    [Fact]
    public async Task Messaging_Default_RendersNoVariableNoBrokerAndNoEgressToOne()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var brokerLike = new NetworkEndpoint("broker", ChartRenderer.Namespace, Labels(("app.kubernetes.io/name", "rabbitmq"), ("app.kubernetes.io/instance", ChartRenderer.ReleaseName)), [Amqp]);

        foreach (var name in MeshFacts.Services)
        {
            Assert.DoesNotContain(chart.Environment(name).Keys, key => key.StartsWith("Mesh__Messaging__", StringComparison.Ordinal) || key == TransportVariable);
            Assert.False(evaluator.Allows(Service(chart, name), brokerLike, Amqp), $"{name} reaches a broker with messaging off");
        }

        AssertNoBundledBroker(chart);
    }

    [Fact]
    public async Task BundledBroker_MessagingDisabled_IsNotRendered()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set", "messaging.rabbitmq.enabled=true");

        AssertNoBundledBroker(chart);
        Assert.All(MeshFacts.Services, name => Assert.DoesNotContain(UrlVariable, chart.Environment(name).Keys));
    }

    [Fact]
    public async Task ExternalBroker_Set_EveryServiceReadsThatSecretKeyAndTheExchangeAndNothingIsBundled()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, External);

        foreach (var name in MeshFacts.Services)
        {
            var environment = chart.Environment(name);
            var url = environment[UrlVariable];
            Assert.Null(url.Value);
            Assert.Equal("mesh-amqp", url.ValueFrom?.SecretKeyRef?.Name);
            Assert.Equal("amqpUrl", url.ValueFrom!.SecretKeyRef.Key);
            Assert.NotEqual(true, url.ValueFrom.SecretKeyRef.Optional);
            Assert.Equal("shop.events", environment[ExchangeVariable].Value);
        }

        Assert.Equal("feed", chart.Environment("users")[TransportVariable].Value);
        AssertNoBundledBroker(chart);
    }

    [Fact]
    public async Task ExternalBroker_SecretKeyUnset_DefaultsToUrl()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "messaging.enabled=true", "--set", "messaging.existingSecret=mesh-amqp", "--set", "networkPolicy.enabled=false");

        Assert.All(MeshFacts.Services, name => Assert.Equal("url", chart.Environment(name)[UrlVariable].ValueFrom.SecretKeyRef.Key));
        Assert.All(MeshFacts.Services, name => Assert.Equal("mesh.events", chart.Environment(name)[ExchangeVariable].Value));
    }

    [Theory]
    [InlineData("feed")]
    [InlineData("broker")]
    public async Task OrderStatsTransport_Set_IsGivenToUsersAlone(string transport)
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. External, "--set", $"messaging.orderStatsTransport={transport}"]);

        Assert.Equal(transport, chart.Environment("users")[TransportVariable].Value);
        Assert.DoesNotContain(TransportVariable, chart.Environment("inventory").Keys);
        Assert.DoesNotContain(TransportVariable, chart.Environment("orders").Keys);
    }

    [Fact]
    public async Task BundledBroker_MessagingValues_EveryServiceReadsAGeneratedUrlThatReachesTheBundledBrokerAsItsUser()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled);
        var secret = Assert.Single(chart.Secrets);
        var service = chart.Service(BrokerName);
        var statefulSet = Assert.Single(chart.StatefulSets);
        var container = statefulSet.Spec.Template.Spec.Containers.Single();
        var brokerEnvironment = container.Env.ToDictionary(variable => variable.Name);

        Assert.Equal(BrokerName, secret.Metadata.Name);
        Assert.Equal("keep", secret.Metadata.Annotations["helm.sh/resource-policy"]);
        foreach (var name in MeshFacts.Services)
        {
            var reference = chart.Environment(name)[UrlVariable].ValueFrom.SecretKeyRef;
            Assert.Equal(secret.Metadata.Name, reference.Name);
            Assert.Equal("url", reference.Key);
            Assert.Null(chart.Environment(name)[UrlVariable].Value);
            Assert.Equal("mesh.events", chart.Environment(name)[ExchangeVariable].Value);
        }

        Assert.Equal("broker", chart.Environment("users")[TransportVariable].Value);

        // The URL: amqp://<user>:<password>@<the bundled Service>:<its port>/<the broker's vhost>.
        var url = new Uri(Decode(secret, "url"));
        var userInfo = url.UserInfo.Split(':', 2);
        var servicePort = Assert.Single(service.Spec.Ports);
        Assert.Equal("amqp", url.Scheme);
        Assert.Equal(service.Metadata.Name, url.Host);
        Assert.Equal(servicePort.Port, url.Port);
        Assert.Equal(Decode(secret, "RABBITMQ_DEFAULT_USER"), userInfo[0]);
        Assert.Equal(Decode(secret, "RABBITMQ_DEFAULT_PASS"), userInfo[1]);
        Assert.True(userInfo[1].Length >= 24, "a short password");
        Assert.Equal("/" + brokerEnvironment["RABBITMQ_DEFAULT_VHOST"].Value, url.AbsolutePath);

        // The broker creates that user from the same Secret keys, and the Service reaches its AMQP port.
        foreach (var key in new[] { "RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS" })
        {
            Assert.Null(brokerEnvironment[key].Value);
            Assert.Equal(secret.Metadata.Name, brokerEnvironment[key].ValueFrom.SecretKeyRef.Name);
            Assert.Equal(key, brokerEnvironment[key].ValueFrom.SecretKeyRef.Key);
        }

        Assert.True(LabelSelectors.Matches(service.Spec.Selector, statefulSet.Spec.Template.Metadata.Labels));
        var containerPort = Assert.Single(container.Ports, port => port.Name == servicePort.TargetPort.Value);
        Assert.Equal(5672, containerPort.ContainerPort);
        Assert.Equal(5672, servicePort.Port);
    }

    [Fact]
    public async Task BundledBroker_Objects_CarryTheBrokersLabelsAndSelectNoServicePod()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled);
        var statefulSet = chart.StatefulSets.Single();
        var objects = new IMetadata<V1ObjectMeta>[] { statefulSet, chart.Service(BrokerName), chart.Secrets.Single(), chart.NetworkPolicies.Single(policy => policy.Metadata.Name == BrokerName) };

        foreach (var item in objects)
        {
            var labels = item.Metadata.Labels;
            Assert.Equal(BrokerName, item.Metadata.Name);
            Assert.Equal("rabbitmq", labels["app.kubernetes.io/name"]);
            Assert.Equal("message-broker", labels["app.kubernetes.io/component"]);
            Assert.Equal("mesh", labels["app.kubernetes.io/part-of"]);
            Assert.Equal(ChartRenderer.ReleaseName, labels["app.kubernetes.io/instance"]);
        }

        Assert.True(LabelSelectors.Matches(statefulSet.Spec.Selector, statefulSet.Spec.Template.Metadata.Labels));
        Assert.All(MeshFacts.Services, name =>
        {
            Assert.False(LabelSelectors.Matches(statefulSet.Spec.Selector, chart.Deployment(name).Spec.Template.Metadata.Labels), $"the broker selects {name}'s pods");
            Assert.False(LabelSelectors.Matches(chart.Service(BrokerName).Spec.Selector, chart.Deployment(name).Spec.Template.Metadata.Labels));
        });
        // The gRPC services' own Services are unchanged.
        Assert.Equal(6, chart.GrpcServices.Count());
        Assert.DoesNotContain(chart.GrpcServices, service => service.Metadata.Name == BrokerName);
    }

    [Fact]
    public async Task BundledStatefulSet_Defaults_OneNodeOnItsOwnClaimProbedByRabbitmqDiagnostics()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled);
        var statefulSet = chart.StatefulSets.Single();
        var pod = statefulSet.Spec.Template.Spec;
        var container = pod.Containers.Single();
        var claim = statefulSet.Spec.VolumeClaimTemplates.Single();
        var dataMount = container.VolumeMounts.Single(mount => mount.Name == claim.Metadata.Name);

        Assert.Equal(1, statefulSet.Spec.Replicas);
        Assert.Equal(BrokerName, statefulSet.Spec.ServiceName);
        Assert.Equal("docker.io/library/rabbitmq:3.13", container.Image);
        Assert.Equal("/var/lib/rabbitmq", dataMount.MountPath);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal("1Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("Retain", statefulSet.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        Assert.Equal("Retain", statefulSet.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled);
        Assert.False(pod.EnableServiceLinks);
        var port = Assert.Single(container.Ports);
        Assert.Equal(("amqp", 5672), (port.Name, port.ContainerPort));
        Assert.Equal(["rabbitmq-diagnostics", "-q", "ping"], container.StartupProbe?.Exec?.Command);
        Assert.Equal(["rabbitmq-diagnostics", "-q", "ping"], container.LivenessProbe?.Exec?.Command);
        Assert.Equal(["rabbitmq-diagnostics", "-q", "check_port_connectivity"], container.ReadinessProbe?.Exec?.Command);
        Assert.All(new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe }, probe => Assert.True(probe!.TimeoutSeconds >= 5, "the CLI starts an Erlang VM"));
    }

    [Fact]
    public async Task BundledBroker_MemoryAlarm_IsComputedFromTheContainersMemoryLimit()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled);
        var container = chart.StatefulSets.Single().Spec.Template.Spec.Containers.Single();
        var environment = container.Env.ToList();

        var arguments = environment.Single(variable => variable.Name == "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS").Value;
        var reference = System.Text.RegularExpressions.Regex.Match(arguments, @"^-rabbit total_memory_available_override_value \$\((\w+)\)$");
        Assert.True(reference.Success, arguments);
        // $(NAME) expands only a variable defined before it.
        var limit = environment.Take(environment.FindIndex(variable => variable.Name == "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"))
            .Single(variable => variable.Name == reference.Groups[1].Value);
        Assert.Equal("limits.memory", limit.ValueFrom?.ResourceFieldRef?.Resource);
        Assert.Equal("512Mi", container.Resources.Limits["memory"].ToString());
    }

    [Fact]
    public async Task BundledBroker_ImageSizeClassAndResources_AreConfigurable()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled,
            "--set", "messaging.rabbitmq.image=registry.example.com/rabbitmq:4.0", "--set", "messaging.rabbitmq.imagePullPolicy=Always",
            "--set", "messaging.rabbitmq.storage.size=5Gi", "--set", "messaging.rabbitmq.storage.storageClassName=fast",
            "--set", "messaging.rabbitmq.resources.limits.memory=1Gi");
        var statefulSet = chart.StatefulSets.Single();
        var container = statefulSet.Spec.Template.Spec.Containers.Single();

        Assert.Equal("registry.example.com/rabbitmq:4.0", container.Image);
        Assert.Equal("Always", container.ImagePullPolicy);
        Assert.Equal("5Gi", statefulSet.Spec.VolumeClaimTemplates.Single().Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("fast", statefulSet.Spec.VolumeClaimTemplates.Single().Spec.StorageClassName);
        Assert.Equal("1Gi", container.Resources.Limits["memory"].ToString());
    }

    [Fact]
    public async Task BundledBroker_BesideBundledPostgresql_BothAreRenderedAndEachServiceUsesBoth()
    {
        var chart = await ChartRenderer.RenderAsync("values-postgres.yaml", "--values", Path.Combine(RepositoryPaths.Chart, Bundled));

        Assert.Equal([$"{ChartRenderer.ReleaseName}-postgresql", BrokerName], chart.StatefulSets.Select(set => set.Metadata.Name).Order());
        Assert.All(MeshFacts.Services, name =>
        {
            Assert.Equal($"{ChartRenderer.ReleaseName}-postgresql", chart.Environment(name)["Mesh__Storage__ConnectionString"].ValueFrom.SecretKeyRef.Name);
            Assert.Equal(BrokerName, chart.Environment(name)[UrlVariable].ValueFrom.SecretKeyRef.Name);
        });
    }

    public static TheoryData<string[], string> Contradictions() => new()
    {
        { ["messaging.enabled=true"], "there is no broker: set messaging.existingSecret" },
        { ["messaging.enabled=true", "messaging.existingSecret=mesh-amqp", "messaging.rabbitmq.enabled=true"], "use one or the other" },
        { ["messaging.orderStatsTransport=broker"], "messaging.orderStatsTransport is broker, but messaging.enabled is false" },
        { ["messaging.orderStatsTransport=broker", "messaging.rabbitmq.enabled=true"], "messaging.orderStatsTransport is broker, but messaging.enabled is false" },
        { ["messaging.enabled=true", "messaging.existingSecret=mesh-amqp"], "the external broker must be reachable: set messaging.egressTo" },
    };

    [Theory]
    [MemberData(nameof(Contradictions))]
    public async Task Render_ContradictoryMessagingValues_FailsWithAClearMessage(string[] sets, string message)
    {
        var helm = await HelmInstallation.Helm4Async();

        var result = await ChartRenderer.TemplateAsync(helm, sets.SelectMany(set => new[] { "--set", set }));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("schema", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ExternalBrokerWithoutEgressTo_IsAcceptedWithoutNetworkPolicies()
    {
        var helm = await HelmInstallation.Helm4Async();

        var result = await ChartRenderer.TemplateAsync(helm, ["--set", "messaging.enabled=true", "--set", "messaging.existingSecret=mesh-amqp", "--set", "networkPolicy.enabled=false"]);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task NetworkPolicies_BundledBroker_EveryServiceReachesItsAmqpPortAloneAndOnlyTheServicesGetIn()
    {
        var chart = await ChartRenderer.RenderAsync(Bundled);
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var broker = new NetworkEndpoint("rabbitmq", ChartRenderer.Namespace, chart.StatefulSets.Single().Spec.Template.Metadata.Labels.ToDictionary(), [Amqp, Epmd, Grpc]);
        var stranger = new NetworkEndpoint("stranger", ChartRenderer.Namespace, Labels(("app", "stranger")), [Amqp, Https]);
        var elsewhere = new NetworkEndpoint("elsewhere", "other", Labels(("app", "stranger")), [Amqp]);
        var tests = chart.TestPods.Select(pod => new NetworkEndpoint(pod.Metadata.Name, ChartRenderer.Namespace, pod.Metadata.Labels.ToDictionary(), []));

        foreach (var name in MeshFacts.Services)
        {
            var service = Service(chart, name);
            Assert.True(evaluator.Allows(service, broker, Amqp), $"{name} cannot reach the broker");
            Assert.False(evaluator.Allows(service, broker, Epmd), $"{name} reaches the broker's epmd");
            Assert.False(evaluator.Allows(service, stranger, Amqp), $"{name} reaches another pod's 5672");
            Assert.False(evaluator.Allows(service, elsewhere, Amqp), $"{name} reaches a pod in another namespace");
            // Every service resolves the broker's name, inventory too, which calls no other service.
            Assert.True(evaluator.Allows(service, KubeDns, Dns), $"{name} cannot resolve the broker's name");
            Assert.False(evaluator.Allows(broker, service, Grpc), $"the broker reaches {name}");
        }

        Assert.False(evaluator.Allows(stranger, broker, Amqp), "a pod outside the release reaches the broker");
        Assert.False(evaluator.Allows(elsewhere, broker, Amqp));
        Assert.All(tests, test => Assert.False(evaluator.Allows(test, broker, Amqp)));
        Assert.All(new[] { stranger, KubeDns }, destination => Assert.False(evaluator.Allows(broker, destination, destination.Ports[0])));

        // The broker's own policy admits exactly the three services, whatever their egress says.
        var brokerPolicy = chart.NetworkPolicies.Single(policy => policy.Metadata.Name == BrokerName);
        var ingress = Assert.Single(brokerPolicy.Spec.Ingress);
        var admitted = MeshFacts.Services.Where(name => ingress.FromProperty.Any(peer =>
            peer.NamespaceSelector is null && LabelSelectors.Matches(peer.PodSelector, chart.Deployment(name).Spec.Template.Metadata.Labels)));
        Assert.Equal(MeshFacts.Services.Order(), admitted.Order());
        Assert.Equal(ingress.FromProperty.Count, MeshFacts.Services.Count);
        Assert.Equal("5672", Assert.Single(ingress.Ports).Port.Value);
        Assert.Empty(brokerPolicy.Spec.Egress);
        Assert.Equal(["Ingress", "Egress"], brokerPolicy.Spec.PolicyTypes);
    }

    [Fact]
    public async Task NetworkPolicies_ExternalBrokerPeers_OpenExactlyThosePodsOnTheEgressPort()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "messaging.enabled=true", "--set", "messaging.existingSecret=mesh-amqp", "--set", "messaging.egressPort=5671", "--set-json",
            """messaging.egressTo=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"messaging"}},"podSelector":{"matchLabels":{"app":"rabbitmq"}}}]""");
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var broker = new NetworkEndpoint("messaging/rabbitmq", "messaging", Labels(("app", "rabbitmq")), [Amqps, Amqp]);
        var neighbour = new NetworkEndpoint("messaging/other", "messaging", Labels(("app", "other")), [Amqps]);
        var sameLabelsElsewhere = new NetworkEndpoint("other/rabbitmq", "other", Labels(("app", "rabbitmq")), [Amqps]);

        foreach (var name in MeshFacts.Services)
        {
            var service = Service(chart, name);
            Assert.True(evaluator.Allows(service, broker, Amqps), $"{name} cannot reach the external broker");
            Assert.False(evaluator.Allows(service, broker, Amqp), $"{name} reaches the broker on a port it was not given");
            Assert.False(evaluator.Allows(service, neighbour, Amqps), $"{name} reaches another pod beside the broker");
            Assert.False(evaluator.Allows(service, sameLabelsElsewhere, Amqps), $"{name} reaches a pod in another namespace");
            Assert.True(evaluator.Allows(service, KubeDns, Dns), $"{name} cannot resolve the broker's name");
        }

        Assert.DoesNotContain(chart.NetworkPolicies, policy => policy.Metadata.Name == BrokerName);
    }

    [Fact]
    public async Task Notes_Messaging_NameTheExchangeAndWhereTheUrlComesFrom()
    {
        var helm = await HelmInstallation.Helm4Async();
        string[] install = ["install", ChartRenderer.ReleaseName, RepositoryPaths.Chart, "--namespace", ChartRenderer.Namespace, "--dry-run=client"];

        var off = await helm.RunAsync(install);
        var bundled = await helm.RunAsync([.. install, "--values", Path.Combine(RepositoryPaths.Chart, Bundled)]);
        var external = await helm.RunAsync([.. install, .. External]);

        Assert.True(off.Succeeded, off.ToString());
        Assert.True(bundled.Succeeded, bundled.ToString());
        Assert.True(external.Succeeded, external.ToString());
        Assert.DoesNotContain("AMQP", Notes(off), StringComparison.Ordinal);
        Assert.Contains($"topic exchange \"mesh.events\" at the AMQP URL in Secret {BrokerName} (key url)", Notes(bundled), StringComparison.Ordinal);
        Assert.Contains("users reads order events from the broker", Notes(bundled), StringComparison.Ordinal);
        Assert.Contains($"The bundled RabbitMQ (StatefulSet {BrokerName}) is a single instance for development", Notes(bundled), StringComparison.Ordinal);
        Assert.Contains("topic exchange \"shop.events\" at the AMQP URL in Secret mesh-amqp (key amqpUrl)", Notes(external), StringComparison.Ordinal);
        Assert.Contains("users reads order events from orders' gRPC feed", Notes(external), StringComparison.Ordinal);
        Assert.DoesNotContain("bundled RabbitMQ", Notes(external), StringComparison.Ordinal);
    }

    private static void AssertNoBundledBroker(RenderedChart chart)
    {
        Assert.DoesNotContain(chart.StatefulSets, set => set.Metadata.Name == BrokerName);
        Assert.DoesNotContain(chart.Secrets, secret => secret.Metadata.Name == BrokerName);
        Assert.DoesNotContain(chart.Services, service => service.Metadata.Name == BrokerName);
        Assert.DoesNotContain(chart.NetworkPolicies, policy => policy.Metadata.Name == BrokerName);
    }

    private static string Notes(ProcessResult result) =>
        result.StandardOutput[result.StandardOutput.IndexOf("NOTES:", StringComparison.Ordinal)..];

    private static string Decode(V1Secret secret, string key)
    {
        Assert.True(secret.Data?.ContainsKey(key) == true, $"Secret {secret.Metadata.Name} has no key {key}");
        return Encoding.UTF8.GetString(secret.Data[key]);
    }

    private static NetworkEndpoint Service(RenderedChart chart, string name) =>
        new(name, ChartRenderer.Namespace, chart.Deployment(name).Spec.Template.Metadata.Labels.ToDictionary(), [Grpc]);

    private static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToDictionary(label => label.Key, label => label.Value);
}
