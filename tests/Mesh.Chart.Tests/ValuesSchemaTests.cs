using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>values.schema.json, as Helm 4 and Helm 3 apply it: typos, wrong types, SQLite scaling and PostgreSQL without a database are rejected.</summary>
public sealed class ValuesSchemaTests
{
    public static TheoryData<string, string, int> BadValues()
    {
        var cases = new (string Set, string Names)[]
        {
            ("serviceDefaults.replicaz=1", "replicaz"),
            ("services.users.imagePullPolicy=Sometimes", "imagePullPolicy"),
            ("services.payments.image=mesh-payments:1", "payments"),
            ("serviceDefaults.replicas=two", "replicas"),
            // The image is a service's own: the defaults have none, and they keep every setting they require.
            ("serviceDefaults.image=mesh-users:1", "image"),
            ("serviceDefaults.probes=null", "probes"),
            ("serviceDefaults.replicas=0", "replicas"),
            ("serviceDefaults.service.port=70000", "port"),
            ("serviceDefaults.resources.requests.cpu=lots", "cpu"),
            ("serviceDefaults.shutdown.preStopSleepSeconds=0", "preStopSleepSeconds"),
            ("serviceDefaults.storage.mode=oracle", "mode"),
            ("services.users.storage.mode=external", "mode"),
            ("serviceDefaults.telemetry.otlpEndpoint=collector:4317", "otlpEndpoint"),
            ("serviceDefaults.podDisruptionBudget.maxUnavailable=some", "maxUnavailable"),
            ("networkPolicy.enabled=maybe", "enabled"),
            ("tests.image=", "image"),
            ("services.users.image=", "image"),
            ("fullnameOverride=Mesh_Prod", "fullnameOverride"),
            // Below grpc-dotnet's own rate limit a refresh interval would only mislead.
            ("serviceDefaults.clients.dnsRefreshIntervalSeconds=5", "dnsRefreshIntervalSeconds"),
            ("services.inventory.connections.maxAgeSeconds=-1", "maxAgeSeconds"),
            ("serviceDefaults.connections.maxAgeGraceSeconds=0", "maxAgeGraceSeconds"),
            // SQLite: one replica, no autoscaling, whether set for all services or one.
            ("serviceDefaults.replicas=2", "replicas"),
            ("services.users.replicas=2", "replicas"),
            ("services.orders.autoscaling.enabled=true", "enabled"),
            ("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,services.inventory.storage.mode=sqlite,services.inventory.replicas=3", "replicas"),
            // PostgreSQL without a database: no Secret named and nothing bundled (Helm names the missing object on the way to existingSecret).
            ("serviceDefaults.storage.mode=postgres", "storage"),
            ("services.orders.storage.mode=postgres", "postgres"),
            ("serviceDefaults.storage.mode=postgres,services.users.storage.postgres.existingSecret=users-db", "storage"),
            ("serviceDefaults.storage.mode=postgres,serviceDefaults.storage.postgres.existingSecret=", "storage"),
            // The bundled instance is the database: an external Secret beside it is a contradiction.
            ("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,services.users.storage.postgres.existingSecret=users-db", "existingSecret"),
            ("postgresql.image=", "image"),
            ("serviceDefaults.storage.postgres.networkPolicy.cidrs={10.0.0.0}", "cidrs"),
            ("serviceDefaults.storage.postgres.existingSecretKey=connection string", "existingSecretKey"),
            ("serviceDefaults.storage.postgres.startTimeoutSeconds=0", "startTimeoutSeconds"),
            // SQLite stays at one replica even when the other services use PostgreSQL.
            ("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,services.users.storage.mode=sqlite,services.users.replicas=2", "replicas"),
            // The REST side: misspelt keys, hosts that are URLs, a Gateway route attached to nothing.
            ("ingress.enabeld=true", "enabeld"),
            ("ingress.hosts={https://api.example.com}", "hosts"),
            ("ingress.tls[0].secretname=api-tls", "secretname"),
            ("ingress.className=Nginx_Class", "className"),
            ("httpRoute.hostname={api.example.com}", "hostname"),
            ("httpRoute.parentRefs[0].nmae=public", "nmae"),
            ("httpRoute.enabled=true", "parentRefs"),
            ("networkPolicy.httpIngresFrom[0].podSelector.matchLabels.app=gateway", "httpIngresFrom"),
            ("networkPolicy.httpIngressFrom[0].namespaceSelectr.matchLabels.team=edge", "namespaceSelectr"),
            // A REST path belongs to one service: the defaults hold none. Paths are absolute, without a trailing slash.
            ("serviceDefaults.http.routes[0].path=/v1/users,serviceDefaults.http.routes[0].pathType=Prefix", "routes"),
            ("services.users.http.routes[0].path=/v1/users/,services.users.http.routes[0].pathType=Prefix", "routes"),
            ("services.users.http.routes[0].path=v1/users,services.users.http.routes[0].pathType=Prefix", "routes"),
            ("services.users.http.routes[0].path=/v1/users,services.users.http.routes[0].pathType=ImplementationSpecific", "pathType"),
            // Monitoring: misspelt keys, durations Prometheus would refuse, a runbook base that is no URL.
            ("networkPolicy.metricsIngresFrom[0].podSelector.matchLabels.app=prometheus", "metricsIngresFrom"),
            ("metrics.serviceMonitor.enabled=true", "serviceMonitor"),
            ("metrics.podMonitor.enabeld=true", "enabeld"),
            ("metrics.podMonitor.interval=30", "interval"),
            ("metrics.podMonitor.scrapeTimeout=10 s", "scrapeTimeout"),
            ("metrics.podMonitor.labels.release=true", "release"),
            ("prometheusRule.enable=true", "enable"),
            ("prometheusRule.runbookBaseUrl=docs/operations.md", "runbookBaseUrl"),
            ("prometheusRule.errorRatio.statusCodes={0}", "statusCodes"),
            ("prometheusRule.errorRatio.threshold=2", "threshold"),
            ("prometheusRule.latency.p99Millis=250", "p99Millis"),
            ("prometheusRule.feedConsumerLag.forMinutes=0", "forMinutes"),
            ("prometheusRule.relayLag.seconds=0", "seconds"),
            ("prometheusRule.deadLetters.windowMinutes=15m", "windowMinutes"),
            ("prometheusRule.podRestarts.windowMinutes=1d", "windowMinutes"),
            ("grafana.dashbaord.enabled=true", "dashbaord"),
            ("grafana.dashboard.labelKey=grafana dashboard", "labelKey"),
            ("grafana.dashboard.namespace=Monitoring", "namespace"),
            ("messaging.enabeld=true", "enabeld"),
            ("messaging.enabled=maybe", "enabled"),
            ("messaging.orderStatsTransport=kafka", "orderStatsTransport"),
            ("messaging.exchange=", "exchange"),
            ("messaging.exchange=mesh events", "exchange"),
            // amq.* exchanges are the broker's own: declaring one is refused.
            ("messaging.exchange=amq.topic", "exchange"),
            ("messaging.existingSecret=Mesh_AMQP", "existingSecret"),
            ("messaging.existingSecretKey=amqp url", "existingSecretKey"),
            ("messaging.egressTo[0].podSelectr.matchLabels.app=rabbitmq", "podSelectr"),
            ("messaging.egressTo[0].ipBlock.cidr=10.50.0.0", "cidr"),
            ("messaging.egressPort=0", "egressPort"),
            ("messaging.rabbitmq.enable=true", "enable"),
            ("messaging.rabbitmq.image=", "image"),
            ("messaging.rabbitmq.imagePullPolicy=Sometimes", "imagePullPolicy"),
            ("messaging.rabbitmq.storage.size=huge", "size"),
            ("messaging.rabbitmq.resources.limits.memory=lots", "memory"),
            ("messaging.rabbitmq.securityContext.runAsUser=0", "securityContext"),
            ("auth.enabeld=true", "enabeld"),
            ("auth.enabled=yes", "enabled"),
            ("auth.people.issuer=sso.example.com", "issuer"),
            ("auth.people.jwksUrl=ftp://keys.example.com/jwks", "jwksUrl"),
            ("auth.people.roleClaim=", "roleClaim"),
            ("auth.services.audience=", "audience"),
            ("auth.services.tokenExpirationSeconds=60", "tokenExpirationSeconds"),
            ("auth.clockSkewSeconds=900", "clockSkewSeconds"),
            ("auth.egressPort=0", "egressPort"),
            ("rateLimits.reads.tokenLimit=0", "tokenLimit"),
            ("rateLimits.writes.tokensPerSecond=fast", "tokensPerSecond"),
            ("rateLimits.open.tokenLimit=5", "open"),
        };
        var data = new TheoryData<string, string, int>();
        foreach (var (set, name) in cases)
        {
            data.Add(set, name, 4);
            data.Add(set, name, 3);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task HelmTemplate_BadValue_IsRejectedByTheSchema(string set, string offendingName, int helmMajor)
    {
        var helm = await HelmInstallation.MajorAsync(helmMajor);

        var result = await ChartRenderer.TemplateAsync(helm, ["--set", set]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("schema", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(offendingName, result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Per-service settings that are wrong by their shape alone (no storage-mode or scaling rule involved).</summary>
    public static TheoryData<string, string, int> BadPerServiceSettings()
    {
        var cases = new (string Setting, string Name)[]
        {
            ("replicaz=1", "replicaz"),
            ("imagePullPolicy=Sometimes", "imagePullPolicy"),
            ("replicas=two", "replicas"),
            ("replicas=0", "replicas"),
            ("service.port=70000", "port"),
            ("resources.requests.cpu=lots", "cpu"),
            ("tmpSizeLimit=big", "tmpSizeLimit"),
            ("probes.startup.periodSeconds=0", "periodSeconds"),
            ("shutdown.preStopSleepSeconds=0", "preStopSleepSeconds"),
            ("clients.dnsRefreshIntervalSeconds=5", "dnsRefreshIntervalSeconds"),
            ("connections.maxAgeSeconds=-1", "maxAgeSeconds"),
            ("storage.mode=oracle", "mode"),
            ("storage.sqlite.size=huge", "size"),
            ("storage.postgres.existingSecretKey=a:b", "existingSecretKey"),
            ("storage.postgres.networkPolicy.cidrs={10.0.0.0}", "cidrs"),
            ("telemetry.otlpEndpoint=collector:4317", "otlpEndpoint"),
            ("podDisruptionBudget.maxUnavailable=some", "maxUnavailable"),
            ("autoscaling.targetCPUUtilizationPercentage=101", "targetCPUUtilizationPercentage"),
            ("topologySpread.whenUnsatisfiable=Sometimes", "whenUnsatisfiable"),
            ("serviceAccount.create=maybe", "create"),
            ("extraEnv[0].name=1BAD", "name"),
            ("service.httpPort=0", "httpPort"),
            ("http.docs=maybe", "docs"),
            ("http.corsOrigins={https://app.example.com}", "corsOrigins"),
            // A browser's Origin has no path: with a trailing slash the origin would never match.
            ("http.corsAllowedOrigins={https://app.example.com/}", "corsAllowedOrigins"),
        };
        var data = new TheoryData<string, string, int>();
        foreach (var (setting, name) in cases)
        {
            data.Add(setting, name, 4);
            data.Add(setting, name, 3);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadPerServiceSettings))]
    public async Task HelmTemplate_BadPerServiceSetting_IsRejectedIdenticallyUnderServiceDefaultsAndEveryService(string setting, string offendingName, int helmMajor)
    {
        var helm = await HelmInstallation.MajorAsync(helmMajor);

        var underDefaults = await ChartRenderer.TemplateAsync(helm, ["--set", "serviceDefaults." + setting]);

        Assert.False(underDefaults.Succeeded, underDefaults.ToString());
        Assert.Contains("schema", underDefaults.StandardError, StringComparison.Ordinal);
        Assert.Contains(offendingName, underDefaults.StandardError, StringComparison.Ordinal);
        foreach (var service in MeshFacts.Services)
        {
            var underService = await ChartRenderer.TemplateAsync(helm, ["--set", $"services.{service}.{setting}"]);

            Assert.False(underService.Succeeded, underService.ToString());
            // One definition gives one verdict: the same errors, only located under the service (Helm 4 writes
            // locations as /a/b, Helm 3 as a.b).
            var relocated = underService.StandardError
                .Replace($"/services/{service}", "/serviceDefaults", StringComparison.Ordinal)
                .Replace($"services.{service}", "serviceDefaults", StringComparison.Ordinal);
            Assert.Equal(underDefaults.StandardError, relocated);
        }
    }

    [Theory]
    [InlineData("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,serviceDefaults.replicas=3", 4)]
    [InlineData("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,serviceDefaults.replicas=3", 3)]
    [InlineData("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,services.users.storage.mode=sqlite,services.orders.autoscaling.enabled=true", 4)]
    [InlineData("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,services.users.storage.mode=sqlite,services.orders.autoscaling.enabled=true", 3)]
    [InlineData("services.orders.storage.mode=postgres,postgresql.enabled=true,services.orders.replicas=4,serviceDefaults.podDisruptionBudget.maxUnavailable=25%", 4)]
    [InlineData("services.orders.storage.mode=postgres,postgresql.enabled=true,services.orders.replicas=4,serviceDefaults.podDisruptionBudget.maxUnavailable=25%", 3)]
    [InlineData("serviceDefaults.storage.mode=postgres,serviceDefaults.storage.postgres.existingSecret=mesh-db,serviceDefaults.storage.postgres.networkPolicy.cidrs={10.40.0.0/24},serviceDefaults.replicas=3", 4)]
    [InlineData("serviceDefaults.storage.mode=postgres,serviceDefaults.storage.postgres.existingSecret=mesh-db,serviceDefaults.storage.postgres.networkPolicy.cidrs={10.40.0.0/24},serviceDefaults.replicas=3", 3)]
    [InlineData("services.orders.storage.mode=postgres,services.orders.storage.postgres.existingSecret=orders-db,services.orders.storage.postgres.networkPolicy.cidrs={10.40.0.0/24}", 4)]
    [InlineData("services.orders.storage.mode=postgres,services.orders.storage.postgres.existingSecret=orders-db,services.orders.storage.postgres.networkPolicy.cidrs={10.40.0.0/24}", 3)]
    public async Task HelmTemplate_ScalingWithPostgresStorage_IsAccepted(string set, int helmMajor)
    {
        var helm = await HelmInstallation.MajorAsync(helmMajor);

        var result = await ChartRenderer.TemplateAsync(helm, ["--set", set]);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Theory]
    [InlineData("services.users.replicas=2", "SQLite")]
    [InlineData("services.users.autoscaling.enabled=true", "SQLite")]
    [InlineData("serviceDefaults.storage.mode=postgres", "existingSecret")]
    [InlineData("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,services.users.storage.postgres.existingSecret=users-db", "existingSecret")]
    [InlineData("postgresql.enabled=true", "no service uses it")]
    [InlineData("serviceDefaults.storage.mode=postgres,serviceDefaults.storage.postgres.existingSecret=mesh-db", "networkPolicy.cidrs")]
    [InlineData("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,serviceDefaults.podDisruptionBudget.maxUnavailable=2", "maxUnavailable")]
    [InlineData("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,serviceDefaults.storage.postgres.startTimeoutSeconds=60", "startTimeoutSeconds")]
    [InlineData("serviceDefaults.storage.mode=postgres,postgresql.enabled=true,serviceDefaults.autoscaling.enabled=true,serviceDefaults.autoscaling.minReplicas=9", "minReplicas")]
    public async Task HelmTemplate_SchemaSkipped_TemplatesStillRefuseWithAReason(string set, string reason)
    {
        var helm = await HelmInstallation.Helm4Async();

        var result = await ChartRenderer.TemplateAsync(helm, ["--skip-schema-validation", "--set", set]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains(reason, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_SqliteLimits_ExplainWhyInTheirDescriptions()
    {
        var schema = LoadSchema();

        var description = (string?)schema["$defs"]?["singleReplica"]?["properties"]?["replicas"]?["description"];

        Assert.NotNull(description);
        Assert.Contains("ReadWriteOnce", description, StringComparison.Ordinal);
        Assert.Contains("storage.mode=postgres", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_ServiceDefaultsAndEveryService_ReferToOneSharedServiceShape()
    {
        var schema = LoadSchema();
        var defaults = Resolve(schema, schema["properties"]!["serviceDefaults"]!);
        var services = MeshFacts.Services.Select(service => Resolve(schema, schema["properties"]!["services"]!["properties"]![service]!)).ToList();

        foreach (var entry in services.Prepend(defaults))
        {
            // The shape comes from the shared definition alone: an entry adds only what it requires.
            Assert.Equal("#/$defs/serviceSettings", (string?)entry["allOf"]?.AsArray().Single()?["$ref"]);
            Assert.Empty(entry.AsObject().Select(keyword => keyword.Key).Except(["description", "allOf", "required", "properties"]));
        }

        // The image and the REST routes are a service's own: the defaults forbid them (and declare
        // nothing else), every service requires its image.
        var declaredByDefaults = defaults["properties"]!.AsObject();
        Assert.Equal(["image", "http"], declaredByDefaults.Select(property => property.Key));
        Assert.Equal(JsonValueKind.False, declaredByDefaults["image"]!.GetValueKind());
        Assert.Equal(["properties"], declaredByDefaults["http"]!.AsObject().Select(keyword => keyword.Key));
        Assert.Equal(["routes"], declaredByDefaults["http"]!["properties"]!.AsObject().Select(property => property.Key));
        Assert.Equal(JsonValueKind.False, declaredByDefaults["http"]!["properties"]!["routes"]!.GetValueKind());
        Assert.NotNull(schema["$defs"]!["serviceSettings"]!["properties"]!["http"]!["properties"]!["routes"]);
        Assert.All(services, entry => Assert.Null(entry["properties"]));
        Assert.All(services, entry => Assert.Equal(["image"], entry["required"]!.AsArray().Select(key => (string?)key)));
        Assert.Contains("image", schema["$defs"]!["serviceSettings"]!["properties"]!.AsObject().Select(property => property.Key));
    }

    [Fact]
    public void Schema_ServiceShape_IsDeclaredOnce()
    {
        var schema = LoadSchema();

        // Every object declaring per-service settings, wherever it occurs: a second copy of the shape would show.
        var declarations = Descendants(schema)
            .OfType<JsonObject>()
            .Where(node => node["properties"] is JsonObject properties
                && properties["probes"] is JsonObject && properties["podDisruptionBudget"] is JsonObject)
            .ToList();

        Assert.Same(schema["$defs"]!["serviceSettings"], Assert.Single(declarations));
    }

    [Theory]
    [InlineData("hostname", "pattern")]
    [InlineData("restRoute", "pathType")]
    [InlineData("networkPolicyPeer", "ipBlock")]
    [InlineData("ingressTls", "secretName")]
    [InlineData("gatewayParentRef", "sectionName")]
    [InlineData("scrapeDuration", "pattern")]
    [InlineData("secretKey", "pattern")]
    public void Schema_SharedShapes_AreDeclaredOnceInDefs(string definition, string distinctiveKey)
    {
        var schema = LoadSchema();
        var declared = schema["$defs"]![definition]!;

        // Every node declaring the shape's distinctive property (or, for the hostname, its pattern).
        var declarations = Descendants(schema)
            .OfType<JsonObject>()
            .Where(node => distinctiveKey == "pattern"
                ? (string?)node["pattern"] == (string?)declared["pattern"]
                : node["properties"] is JsonObject properties && properties[distinctiveKey] is not null)
            .ToList();

        Assert.Same(declared, Assert.Single(declarations));
    }

    private static JsonNode LoadSchema() => JsonNode.Parse(File.ReadAllText(RepositoryPaths.ChartValuesSchema))!;

    /// <summary>A property's schema, following a $ref into $defs.</summary>
    private static JsonNode Resolve(JsonNode schema, JsonNode node) =>
        node["$ref"] is { } reference ? schema["$defs"]![((string)reference!).Split('/')[^1]]! : node;

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject value => value.Select(property => property.Value),
            JsonArray value => value,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
