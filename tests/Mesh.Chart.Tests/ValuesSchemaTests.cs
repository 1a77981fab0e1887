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
        var schema = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepositoryPaths.ChartValuesSchema))!;

        var description = (string?)schema["definitions"]?["singleReplica"]?["properties"]?["replicas"]?["description"];

        Assert.NotNull(description);
        Assert.Contains("ReadWriteOnce", description, StringComparison.Ordinal);
        Assert.Contains("storage.mode=postgres", description, StringComparison.Ordinal);
    }
}
