using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>NOTES.txt as `helm install` prints it (Helm 4 client-side dry run: no cluster).</summary>
public sealed class NotesTests
{
    [Fact]
    public async Task Notes_Install_ShowPortForwardGrpcurlAndHelmTestForEveryService()
    {
        var helm = await HelmInstallation.Helm4Async();

        var result = await helm.RunAsync("install", ChartRenderer.ReleaseName, RepositoryPaths.Chart, "--namespace", ChartRenderer.Namespace, "--dry-run=client");

        Assert.True(result.Succeeded, result.ToString());
        var notes = result.StandardOutput[result.StandardOutput.IndexOf("NOTES:", StringComparison.Ordinal)..];
        foreach (var name in MeshFacts.Services)
        {
            var localPort = MeshFacts.LocalPorts[name];
            Assert.Contains($"kubectl --namespace {ChartRenderer.Namespace} port-forward svc/{ChartRenderer.ReleaseName}-{name} {localPort}:{MeshFacts.ContainerPort}", notes, StringComparison.Ordinal);
            Assert.Contains($"grpcurl -plaintext 127.0.0.1:{localPort} describe {MeshFacts.GrpcServiceName(name)}", notes, StringComparison.Ordinal);
        }

        Assert.Contains($"helm test {ChartRenderer.ReleaseName} --namespace {ChartRenderer.Namespace}", notes, StringComparison.Ordinal);
        Assert.Contains($"dns:///{ChartRenderer.ReleaseName}-users-headless:{MeshFacts.ContainerPort}", notes, StringComparison.Ordinal);
        // The REST side through the Service's http port.
        Assert.Contains($"kubectl --namespace {ChartRenderer.Namespace} port-forward svc/{ChartRenderer.ReleaseName}-inventory 8081:{MeshFacts.HttpContainerPort}", notes, StringComparison.Ordinal);
        Assert.Contains("curl http://127.0.0.1:8081/v1/items", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("reach the services' http ports through", notes, StringComparison.Ordinal);
        // The metrics port, reached past the NetworkPolicies by a port-forward to a pod.
        Assert.Contains($"kubectl --namespace {ChartRenderer.Namespace} port-forward deploy/{ChartRenderer.ReleaseName}-inventory {MeshFacts.MetricsContainerPort}", notes, StringComparison.Ordinal);
        Assert.Contains($"curl -s http://127.0.0.1:{MeshFacts.MetricsContainerPort}/metrics", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("PodMonitors", notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notes_MonitoringEnabled_NameThePodMonitorsTheRuleAndTheDashboard()
    {
        var helm = await HelmInstallation.Helm4Async();

        var result = await helm.RunAsync("install", ChartRenderer.ReleaseName, RepositoryPaths.Chart, "--namespace", ChartRenderer.Namespace, "--dry-run=client",
            "--set", "metrics.podMonitor.enabled=true", "--set", "prometheusRule.enabled=true", "--set", "grafana.dashboard.enabled=true");

        Assert.True(result.Succeeded, result.ToString());
        var notes = result.StandardOutput[result.StandardOutput.IndexOf("NOTES:", StringComparison.Ordinal)..];
        Assert.Contains($"PodMonitors {ChartRenderer.ReleaseName}-<service> scrape it; PrometheusRule {ChartRenderer.ReleaseName}-alerts holds the alerts; "
            + $"ConfigMap {ChartRenderer.ReleaseName}-grafana-dashboard (label grafana_dashboard=1) holds the dashboard. What to watch and each alert's runbook: docs/operations.md.",
            notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notes_IngressAndHttpRoute_NameThemAndShowTheHostsWithTheirScheme()
    {
        var helm = await HelmInstallation.Helm4Async();

        var result = await helm.RunAsync("install", ChartRenderer.ReleaseName, RepositoryPaths.Chart, "--namespace", ChartRenderer.Namespace, "--dry-run=client",
            "--set", "auth.allowUnauthenticatedPublicAccess=true", "--set", "ingress.enabled=true", "--set", "ingress.hosts={api.example.com,plain.example.com}",
            "--set-json", """ingress.tls=[{"secretName":"api-tls","hosts":["api.example.com"]}]""",
            "--set", "httpRoute.enabled=true", "--set-json", """httpRoute.parentRefs=[{"name":"public"}]""");

        Assert.True(result.Succeeded, result.ToString());
        var notes = result.StandardOutput[result.StandardOutput.IndexOf("NOTES:", StringComparison.Ordinal)..];
        Assert.Contains($"through Ingress {ChartRenderer.ReleaseName}-http and HTTPRoute {ChartRenderer.ReleaseName}-http", notes, StringComparison.Ordinal);
        Assert.Contains("curl https://api.example.com/v1/items", notes, StringComparison.Ordinal);
        Assert.Contains("curl http://plain.example.com/v1/items", notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notes_BundledPostgresql_NameEachServicesModeAndSecretAndWarnItIsADemo()
    {
        var helm = await HelmInstallation.Helm4Async();

        var sqlite = await helm.RunAsync("install", ChartRenderer.ReleaseName, RepositoryPaths.Chart, "--namespace", ChartRenderer.Namespace, "--dry-run=client");
        var postgres = await helm.RunAsync("install", ChartRenderer.ReleaseName, RepositoryPaths.Chart, "--namespace", ChartRenderer.Namespace, "--dry-run=client",
            "--values", Path.Combine(RepositoryPaths.Chart, "values-postgres.yaml"));

        Assert.True(postgres.Succeeded, postgres.ToString());
        var notes = postgres.StandardOutput[postgres.StandardOutput.IndexOf("NOTES:", StringComparison.Ordinal)..];
        foreach (var name in MeshFacts.Services)
        {
            Assert.Contains($"{name}: postgres, replicas 2, connection string from Secret {ChartRenderer.ReleaseName}-postgresql (key {name}-connection-string)", notes, StringComparison.Ordinal);
            Assert.Contains($"{name}: sqlite, replicas 1, database file on PersistentVolumeClaim {ChartRenderer.ReleaseName}-{name}-data", sqlite.StandardOutput, StringComparison.Ordinal);
        }

        Assert.Contains("single instance for demos", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("single instance for demos", sqlite.StandardOutput, StringComparison.Ordinal);
    }
}
