using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>values.schema.json, as Helm 4 and Helm 3 apply it: typos, wrong types and SQLite scaling are rejected.</summary>
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
            ("serviceDefaults.storage.mode=postgres", "mode"),
            ("serviceDefaults.telemetry.otlpEndpoint=collector:4317", "otlpEndpoint"),
            ("serviceDefaults.podDisruptionBudget.maxUnavailable=some", "maxUnavailable"),
            ("networkPolicy.enabled=maybe", "enabled"),
            ("tests.image=", "image"),
            ("services.users.image=", "image"),
            ("fullnameOverride=Mesh_Prod", "fullnameOverride"),
            // SQLite: one replica, no autoscaling, whether set for all services or one.
            ("serviceDefaults.replicas=2", "replicas"),
            ("services.users.replicas=2", "replicas"),
            ("services.orders.autoscaling.enabled=true", "enabled"),
            ("serviceDefaults.storage.mode=external,services.inventory.storage.mode=sqlite,services.inventory.replicas=3", "replicas"),
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
    [InlineData("serviceDefaults.storage.mode=external,serviceDefaults.replicas=3", 4)]
    [InlineData("serviceDefaults.storage.mode=external,serviceDefaults.replicas=3", 3)]
    [InlineData("serviceDefaults.storage.mode=external,services.users.storage.mode=sqlite,services.orders.autoscaling.enabled=true", 4)]
    [InlineData("serviceDefaults.storage.mode=external,services.users.storage.mode=sqlite,services.orders.autoscaling.enabled=true", 3)]
    [InlineData("services.orders.storage.mode=external,services.orders.replicas=4,serviceDefaults.podDisruptionBudget.maxUnavailable=25%", 4)]
    [InlineData("services.orders.storage.mode=external,services.orders.replicas=4,serviceDefaults.podDisruptionBudget.maxUnavailable=25%", 3)]
    public async Task HelmTemplate_ScalingWithExternalStorage_IsAccepted(string set, int helmMajor)
    {
        var helm = await HelmInstallation.MajorAsync(helmMajor);

        var result = await ChartRenderer.TemplateAsync(helm, ["--set", set]);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Theory]
    [InlineData("services.users.replicas=2", "SQLite")]
    [InlineData("services.users.autoscaling.enabled=true", "SQLite")]
    [InlineData("serviceDefaults.storage.mode=external,serviceDefaults.autoscaling.enabled=true,serviceDefaults.autoscaling.minReplicas=9", "minReplicas")]
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
        Assert.Contains("external", description, StringComparison.Ordinal);
    }
}
