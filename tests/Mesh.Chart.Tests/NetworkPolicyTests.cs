using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>
/// The NetworkPolicies, evaluated as a cluster would: every connection between the release's pods,
/// the cluster DNS, an ingress controller, a Prometheus, pods elsewhere and addresses outside the
/// cluster, on every port they listen on (the services' grpc, http and metrics ports among them).
/// </summary>
public sealed class NetworkPolicyTests
{
    private static readonly EndpointPort Grpc = new("grpc", MeshFacts.ContainerPort, "TCP");
    private static readonly EndpointPort Http = new("http", MeshFacts.HttpContainerPort, "TCP");
    private static readonly EndpointPort Metrics = new("metrics", MeshFacts.MetricsContainerPort, "TCP");
    private static readonly EndpointPort PrometheusWeb = new("web", 9090, "TCP");
    private static readonly EndpointPort DnsUdp = new("dns", 53, "UDP");
    private static readonly EndpointPort DnsTcp = new("dns-tcp", 53, "TCP");
    private static readonly EndpointPort Https = new("https", 443, "TCP");
    private static readonly EndpointPort Otlp = new("otlp-grpc", 4317, "TCP");
    private static readonly EndpointPort DnsMetrics = new("metrics", 9153, "TCP");
    private static readonly EndpointPort Postgres = new("postgresql", 5432, "TCP");
    private static readonly EndpointPort Amqp = new("amqp", 5672, "TCP");
    private static readonly EndpointPort Epmd = new("epmd", 4369, "TCP");

    /// <summary>A database outside the cluster (what storage.postgres.networkPolicy.cidrs names).</summary>
    private static readonly NetworkEndpoint ExternalDatabase = new("external-database", null, Labels(), [Postgres, Https]);

    /// <summary>A broker outside the cluster (what messaging.egressTo names as an ipBlock).</summary>
    private static readonly NetworkEndpoint ExternalBroker = new("external-broker", null, Labels(), [Amqp, Https]);

    private static readonly NetworkEndpoint KubeDns = new("kube-dns", "kube-system", Labels(("k8s-app", "kube-dns")), [DnsUdp, DnsTcp, DnsMetrics]);

    /// <summary>An ingress controller's pod where networkPolicy.httpIngressFrom looks by default: the namespace ingress-nginx.</summary>
    private static readonly NetworkEndpoint IngressController = new("ingress-nginx/controller", "ingress-nginx", Labels(("app.kubernetes.io/name", "ingress-nginx")), [Https]);

    /// <summary>The same controller's labels in another namespace: the namespace, not the labels, is what admits it.</summary>
    private static readonly NetworkEndpoint ControllerElsewhere = new("other-namespace/ingress-nginx", "other", Labels(("app.kubernetes.io/name", "ingress-nginx")), [Https]);

    /// <summary>A Prometheus where networkPolicy.metricsIngressFrom looks by default: the namespace monitoring.</summary>
    private static readonly NetworkEndpoint Prometheus = new("monitoring/prometheus", "monitoring", Labels(("app.kubernetes.io/name", "prometheus")), [PrometheusWeb]);

    /// <summary>The same Prometheus' labels in another namespace: the namespace is what admits it.</summary>
    private static readonly NetworkEndpoint PrometheusElsewhere = new("other-namespace/prometheus", "other", Labels(("app.kubernetes.io/name", "prometheus")), [PrometheusWeb]);

    private static readonly NetworkEndpoint[] Others =
    [
        KubeDns,
        new("kube-system/metrics-server", "kube-system", Labels(("k8s-app", "metrics-server")), [DnsUdp, DnsTcp, Https]),
        new("same-namespace/stranger", ChartRenderer.Namespace, Labels(("app", "stranger")), [Grpc, Http, DnsUdp, DnsTcp, Https]),
        new("other-namespace/stranger", "other", Labels(("app", "stranger")), [Grpc, Http, DnsUdp, DnsTcp, Https]),
        new("other-namespace/same-labels-as-users", "other", Labels(("app.kubernetes.io/name", "users"), ("app.kubernetes.io/instance", ChartRenderer.ReleaseName)), [Grpc, Http]),
        new("internet", null, Labels(), [Https, DnsUdp, Grpc, Http]),
        ExternalDatabase,
        ExternalBroker,
        IngressController,
        ControllerElsewhere,
        Prometheus,
        PrometheusElsewhere,
    ];

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task NetworkPolicies_ShippedValuesSet_AllowExactlyTheCallGraphDatabasesBrokerDnsTheIngressControllersHttpAndPrometheusScrapes(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);
        var services = MeshFacts.Services.ToDictionary(name => name, name =>
            new NetworkEndpoint(name, ChartRenderer.Namespace, chart.Deployment(name).Spec.Template.Metadata.Labels.ToDictionary(), [Grpc, Http, Metrics]));
        var testPods = chart.TestPods
            .Select(pod => new NetworkEndpoint(pod.Metadata.Name, ChartRenderer.Namespace, pod.Metadata.Labels.ToDictionary(), []))
            .ToArray();
        Assert.Equal(MeshFacts.Services.Count, testPods.Length);
        var bundledDatabase = chart.StatefulSets.Where(set => set.Metadata.Name == $"{ChartRenderer.ReleaseName}-postgresql")
            .Select(set => new NetworkEndpoint("postgresql", ChartRenderer.Namespace, set.Spec.Template.Metadata.Labels.ToDictionary(), [Postgres, Grpc]))
            .SingleOrDefault();
        var bundledBroker = chart.StatefulSets.Where(set => set.Metadata.Name == $"{ChartRenderer.ReleaseName}-rabbitmq")
            .Select(set => new NetworkEndpoint("rabbitmq", ChartRenderer.Namespace, set.Spec.Template.Metadata.Labels.ToDictionary(), [Amqp, Epmd, Grpc]))
            .SingleOrDefault();
        Assert.Equal(chart.StatefulSets.Count(), new[] { bundledDatabase, bundledBroker }.Count(set => set is not null));
        var release = services.Values.Concat(testPods).Concat(new[] { bundledDatabase, bundledBroker }.OfType<NetworkEndpoint>()).ToArray();
        var databaseUsers = MeshFacts.Services.Where(name => chart.StorageProvider(name) == "postgres").ToArray();
        var brokerUsers = MeshFacts.Services.Where(name => chart.Environment(name).ContainsKey("Mesh__Messaging__Url")).ToArray();

        var expected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (caller, callee) in MeshFacts.CallGraph)
        {
            expected.Add(Connection(caller, callee, Grpc));
        }

        foreach (var test in testPods)
        {
            foreach (var name in MeshFacts.Services)
            {
                expected.Add(Connection(test.Name, name, Grpc));
            }
        }

        // The REST side: the ingress controller's namespace (httpIngressFrom's default), on http alone.
        foreach (var name in MeshFacts.Services)
        {
            expected.Add(Connection(IngressController.Name, name, Http));
        }

        // Scrapes: the monitoring namespace (metricsIngressFrom's default), on the metrics port alone.
        foreach (var name in MeshFacts.Services)
        {
            expected.Add(Connection(Prometheus.Name, name, Metrics));
        }

        // A service on PostgreSQL reaches its database on 5432 and nothing else there: the bundled
        // pods, or the external database's addresses.
        foreach (var user in databaseUsers)
        {
            expected.Add(Connection(user, (bundledDatabase ?? ExternalDatabase).Name, Postgres));
        }

        // With messaging, every service reaches the broker's AMQP port alone: the bundled pods, or the
        // external broker's addresses.
        foreach (var user in brokerUsers)
        {
            expected.Add(Connection(user, (bundledBroker ?? ExternalBroker).Name, Amqp));
        }

        // With auth, every service reaches the issuers' https port through auth.egressTo. The shipped
        // example names them by ipBlock, which the evaluator matches to any endpoint: every one with
        // an https port.
        var authUsers = MeshFacts.Services.Where(name => chart.Environment(name).ContainsKey("Mesh__Auth__Enabled")).ToArray();
        foreach (var user in authUsers)
        {
            foreach (var issuer in release.Concat(Others).Where(endpoint => endpoint.Ports.Contains(Https)))
            {
                expected.Add(Connection(user, issuer.Name, Https));
            }
        }

        var resolvers = MeshFacts.CallGraph.Select(edge => edge.Caller).Concat(databaseUsers).Concat(brokerUsers).Concat(authUsers).Concat(testPods.Select(test => test.Name));
        foreach (var resolver in resolvers)
        {
            expected.Add(Connection(resolver, KubeDns.Name, DnsUdp));
            expected.Add(Connection(resolver, KubeDns.Name, DnsTcp));
        }

        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var everyone = release.Concat(Others).ToArray();
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in everyone)
        {
            foreach (var destination in everyone.Where(destination => destination != source && (release.Contains(source) || release.Contains(destination))))
            {
                foreach (var port in destination.Ports.Where(port => evaluator.Allows(source, destination, port)))
                {
                    allowed.Add(Connection(source.Name, destination.Name, port));
                }
            }
        }

        Assert.Equal(expected, allowed);
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task DefaultDeny_ShippedValuesSet_SelectsEveryPodOfTheReleaseBothWays(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);
        var deny = Assert.Single(chart.NetworkPolicies, policy => policy.Spec.Ingress is null && policy.Spec.Egress is null);
        var podLabels = chart.Deployments.Select(deployment => deployment.Spec.Template.Metadata.Labels)
            .Concat(chart.StatefulSets.Select(set => set.Spec.Template.Metadata.Labels))
            .Concat(chart.TestPods.Select(pod => pod.Metadata.Labels));

        Assert.Equal(["Ingress", "Egress"], deny.Spec.PolicyTypes);
        Assert.All(podLabels, labels => Assert.True(LabelSelectors.Matches(deny.Spec.PodSelector, labels)));
        Assert.NotEmpty(deny.Spec.PodSelector.MatchLabels ?? new Dictionary<string, string>());
        Assert.DoesNotContain(chart.NetworkPolicies, policy =>
            (policy.Spec.Ingress ?? []).Any(rule => rule.FromProperty is null or { Count: 0 })
            || (policy.Spec.Egress ?? []).Any(rule => rule.To is null or { Count: 0 }));
    }

    [Fact]
    public async Task ExtraEgress_Set_OpensExactlyThatDestinationForEveryService()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set-json",
            """serviceDefaults.networkPolicy.extraEgress=[{"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"observability"}},"podSelector":{"matchLabels":{"app":"collector"}}}],"ports":[{"port":4317,"protocol":"TCP"}]}]""");
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var collector = new NetworkEndpoint("collector", "observability", Labels(("app", "collector")), [Otlp, Https]);
        var stranger = new NetworkEndpoint("stranger", "observability", Labels(("app", "stranger")), [Otlp]);

        foreach (var name in MeshFacts.Services)
        {
            var service = new NetworkEndpoint(name, ChartRenderer.Namespace, chart.Deployment(name).Spec.Template.Metadata.Labels.ToDictionary(), [Grpc]);
            Assert.True(evaluator.Allows(service, collector, Otlp), $"{name} cannot reach the collector");
            Assert.False(evaluator.Allows(service, collector, Https), $"{name} reaches the collector on 443");
            Assert.False(evaluator.Allows(service, stranger, Otlp), $"{name} reaches another pod");
        }
    }

    [Fact]
    public async Task NetworkPolicies_Disabled_RenderNone()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set", "networkPolicy.enabled=false");

        Assert.Empty(chart.NetworkPolicies);
    }

    [Fact]
    public async Task BundledPostgresql_MixedModes_OnlyThePostgresServicesReachItAndItReachesNothing()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "serviceDefaults.storage.mode=postgres", "--set", "postgresql.enabled=true", "--set", "services.users.storage.mode=sqlite");
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var database = new NetworkEndpoint("postgresql", ChartRenderer.Namespace, chart.StatefulSets.Single().Spec.Template.Metadata.Labels.ToDictionary(), [Postgres, Grpc]);
        var stranger = new NetworkEndpoint("stranger", ChartRenderer.Namespace, Labels(("app", "stranger")), [Postgres, Https]);
        var tests = chart.TestPods.Select(pod => new NetworkEndpoint(pod.Metadata.Name, ChartRenderer.Namespace, pod.Metadata.Labels.ToDictionary(), [])).ToArray();

        Assert.True(evaluator.Allows(Service(chart, "orders"), database, Postgres));
        Assert.True(evaluator.Allows(Service(chart, "inventory"), database, Postgres));
        Assert.False(evaluator.Allows(Service(chart, "users"), database, Postgres), "users is on SQLite and reaches the database");
        Assert.False(evaluator.Allows(Service(chart, "orders"), database, Grpc));
        Assert.False(evaluator.Allows(Service(chart, "orders"), stranger, Postgres), "orders reaches another pod's 5432");
        Assert.False(evaluator.Allows(stranger, database, Postgres), "a pod outside the release reaches the database");
        Assert.All(tests, test => Assert.False(evaluator.Allows(test, database, Postgres)));
        Assert.All(new[] { Service(chart, "orders"), stranger, KubeDns }, destination => Assert.False(evaluator.Allows(database, destination, destination.Ports[0])));

        // The database's own policy admits exactly those services, whatever their egress says.
        var ingress = Assert.Single(Assert.Single(chart.NetworkPolicies, policy => policy.Metadata.Name == $"{ChartRenderer.ReleaseName}-postgresql").Spec.Ingress);
        var admitted = MeshFacts.Services.Where(name => ingress.FromProperty.Any(peer =>
            peer.NamespaceSelector is null && LabelSelectors.Matches(peer.PodSelector, chart.Deployment(name).Spec.Template.Metadata.Labels)));
        Assert.Equal(["inventory", "orders"], admitted.Order());
        Assert.Equal("5432", Assert.Single(ingress.Ports).Port.Value);
    }

    [Fact]
    public async Task ExternalPostgresql_PeersSet_OpenExactlyThosePodsOnTheConfiguredPort()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "services.orders.storage.mode=postgres", "--set", "services.orders.storage.postgres.existingSecret=orders-db",
            "--set", "services.orders.storage.postgres.networkPolicy.port=6432", "--set-json",
            """services.orders.storage.postgres.networkPolicy.peers=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"databases"}},"podSelector":{"matchLabels":{"app":"pgbouncer"}}}]""");
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var bouncerPort = new EndpointPort("pgbouncer", 6432, "TCP");
        var bouncer = new NetworkEndpoint("pgbouncer", "databases", Labels(("app", "pgbouncer")), [bouncerPort, Postgres]);
        var otherDatabase = new NetworkEndpoint("other", "databases", Labels(("app", "other")), [bouncerPort]);

        Assert.True(evaluator.Allows(Service(chart, "orders"), bouncer, bouncerPort));
        Assert.False(evaluator.Allows(Service(chart, "orders"), bouncer, Postgres));
        Assert.False(evaluator.Allows(Service(chart, "orders"), otherDatabase, bouncerPort));
        Assert.False(evaluator.Allows(Service(chart, "users"), bouncer, bouncerPort), "users is on SQLite and reaches orders' database");
        Assert.False(evaluator.Allows(Service(chart, "inventory"), bouncer, bouncerPort), "inventory reaches orders' database");
        Assert.Empty(chart.StatefulSets);
    }

    [Fact]
    public async Task HttpIngressFrom_Default_AdmitsTheControllerNamespaceToHttpOnlyAndKeepsGrpcForTheCallers()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var stranger = new NetworkEndpoint("stranger", "other", Labels(("app", "stranger")), []);

        foreach (var name in MeshFacts.Services)
        {
            var service = Service(chart, name);
            Assert.True(evaluator.Allows(IngressController, service, Http), $"the ingress controller cannot reach {name}'s http port");
            Assert.False(evaluator.Allows(IngressController, service, Grpc), $"the ingress controller reaches {name}'s grpc port");
            Assert.False(evaluator.Allows(ControllerElsewhere, service, Http), $"a controller in another namespace reaches {name}'s http port");
            Assert.False(evaluator.Allows(stranger, service, Http));
            Assert.False(evaluator.Allows(stranger, service, Grpc));
        }

        // In-mesh callers keep gRPC and get no http.
        Assert.True(evaluator.Allows(Service(chart, "orders"), Service(chart, "users"), Grpc));
        Assert.False(evaluator.Allows(Service(chart, "orders"), Service(chart, "users"), Http));
        Assert.Equal(CallGraphAndTests(chart), AllowedGrpc(chart, evaluator));
    }

    [Fact]
    public async Task HttpIngressFrom_Empty_LetsNobodyReachHttpAndLeavesGrpcAsItWas()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set-json", "networkPolicy.httpIngressFrom=[]");
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var sameNamespace = new NetworkEndpoint("stranger", ChartRenderer.Namespace, Labels(("app", "stranger")), []);

        foreach (var name in MeshFacts.Services)
        {
            foreach (var source in MeshFacts.Services.Where(other => other != name).Select(other => Service(chart, other)).Concat([IngressController, ControllerElsewhere, sameNamespace]))
            {
                Assert.False(evaluator.Allows(source, Service(chart, name), Http), $"{source} reaches {name}'s http port");
            }
        }

        // No rule was rendered with an empty `from`, which would have admitted everyone.
        Assert.DoesNotContain(chart.NetworkPolicies, policy => (policy.Spec.Ingress ?? []).Any(rule => rule.FromProperty is null or { Count: 0 }));
        Assert.Equal(CallGraphAndTests(chart), AllowedGrpc(chart, evaluator));
    }

    [Fact]
    public async Task HttpIngressFrom_GatewayPods_AdmitsExactlyThosePodsToHttp()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set-json",
            """networkPolicy.httpIngressFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"envoy-gateway-system"}},"podSelector":{"matchLabels":{"app.kubernetes.io/name":"envoy"}}}]""");
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var envoy = new NetworkEndpoint("envoy", "envoy-gateway-system", Labels(("app.kubernetes.io/name", "envoy")), []);
        var controller = new NetworkEndpoint("gateway-controller", "envoy-gateway-system", Labels(("app.kubernetes.io/name", "envoy-gateway")), []);

        foreach (var name in MeshFacts.Services)
        {
            Assert.True(evaluator.Allows(envoy, Service(chart, name), Http));
            Assert.False(evaluator.Allows(envoy, Service(chart, name), Grpc));
            Assert.False(evaluator.Allows(controller, Service(chart, name), Http));
            Assert.False(evaluator.Allows(IngressController, Service(chart, name), Http), "the default peers still apply");
        }

        Assert.Equal(CallGraphAndTests(chart), AllowedGrpc(chart, evaluator));
    }

    [Fact]
    public async Task MetricsIngressFrom_Default_AdmitsTheMonitoringNamespaceToMetricsOnlyAndNobodyElse()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var sameNamespace = new NetworkEndpoint("stranger", ChartRenderer.Namespace, Labels(("app", "stranger")), []);
        var tests = chart.TestPods.Select(pod => new NetworkEndpoint(pod.Metadata.Name, ChartRenderer.Namespace, pod.Metadata.Labels.ToDictionary(), []));

        foreach (var name in MeshFacts.Services)
        {
            var service = Service(chart, name);
            Assert.True(evaluator.Allows(Prometheus, service, Metrics), $"Prometheus cannot scrape {name}");
            Assert.False(evaluator.Allows(Prometheus, service, Grpc), $"Prometheus reaches {name}'s grpc port");
            Assert.False(evaluator.Allows(Prometheus, service, Http), $"Prometheus reaches {name}'s http port");
            Assert.False(evaluator.Allows(PrometheusElsewhere, service, Metrics), $"a Prometheus in another namespace scrapes {name}");
            // Neither the in-mesh callers, the ingress controller, the test pods nor a stranger may scrape.
            foreach (var source in MeshFacts.Services.Where(other => other != name).Select(other => Service(chart, other))
                .Concat([IngressController, sameNamespace, .. tests]))
            {
                Assert.False(evaluator.Allows(source, service, Metrics), $"{source} reaches {name}'s metrics port");
            }
        }

        Assert.Equal(CallGraphAndTests(chart), AllowedGrpc(chart, evaluator));
    }

    [Fact]
    public async Task MetricsIngressFrom_Empty_LetsNobodyScrapeAndRendersNoOpenRule()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set-json", "networkPolicy.metricsIngressFrom=[]");
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);

        foreach (var name in MeshFacts.Services)
        {
            Assert.False(evaluator.Allows(Prometheus, Service(chart, name), Metrics));
            Assert.True(evaluator.Allows(IngressController, Service(chart, name), Http), "the http rule went with the metrics one");
        }

        Assert.DoesNotContain(chart.NetworkPolicies, policy => (policy.Spec.Ingress ?? []).Any(rule => rule.FromProperty is null or { Count: 0 }));
        Assert.Equal(CallGraphAndTests(chart), AllowedGrpc(chart, evaluator));
    }

    [Fact]
    public async Task MetricsIngressFrom_PrometheusPods_AdmitsExactlyThosePodsToMetrics()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set-json",
            """networkPolicy.metricsIngressFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"observability"}},"podSelector":{"matchLabels":{"app.kubernetes.io/name":"prometheus"}}}]""");
        var evaluator = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var prometheus = new NetworkEndpoint("observability/prometheus", "observability", Labels(("app.kubernetes.io/name", "prometheus")), []);
        var grafana = new NetworkEndpoint("observability/grafana", "observability", Labels(("app.kubernetes.io/name", "grafana")), []);

        foreach (var name in MeshFacts.Services)
        {
            Assert.True(evaluator.Allows(prometheus, Service(chart, name), Metrics));
            Assert.False(evaluator.Allows(prometheus, Service(chart, name), Grpc));
            Assert.False(evaluator.Allows(prometheus, Service(chart, name), Http));
            Assert.False(evaluator.Allows(grafana, Service(chart, name), Metrics));
            Assert.False(evaluator.Allows(Prometheus, Service(chart, name), Metrics), "the default peers still apply");
        }
    }

    /// <summary>The gRPC connections the design allows: the call graph and the helm test pods to every service.</summary>
    private static SortedSet<string> CallGraphAndTests(RenderedChart chart) =>
        new(MeshFacts.CallGraph.Select(edge => Connection(edge.Caller, edge.Callee, Grpc))
            .Concat(chart.TestPods.SelectMany(test => MeshFacts.Services.Select(name => Connection(test.Metadata.Name, name, Grpc)))), StringComparer.Ordinal);

    /// <summary>Every gRPC connection to a service the policies allow, from the release's pods and from the usual outsiders.</summary>
    private static SortedSet<string> AllowedGrpc(RenderedChart chart, NetworkPolicyEvaluator evaluator)
    {
        var sources = MeshFacts.Services.Select(name => Service(chart, name))
            .Concat(chart.TestPods.Select(pod => new NetworkEndpoint(pod.Metadata.Name, ChartRenderer.Namespace, pod.Metadata.Labels.ToDictionary(), [])))
            .Concat(Others)
            .ToArray();
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var destination in MeshFacts.Services.Select(name => Service(chart, name)))
        {
            foreach (var source in sources.Where(source => source.Name != destination.Name && evaluator.Allows(source, destination, Grpc)))
            {
                allowed.Add(Connection(source.Name, destination.Name, Grpc));
            }
        }

        return allowed;
    }

    private static NetworkEndpoint Service(RenderedChart chart, string name) =>
        new(name, ChartRenderer.Namespace, chart.Deployment(name).Spec.Template.Metadata.Labels.ToDictionary(), [Grpc, Http, Metrics]);

    private static string Connection(string source, string destination, EndpointPort port) => $"{source} -> {destination} {port}";

    private static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToDictionary(label => label.Key, label => label.Value);
}
