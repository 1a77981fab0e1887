using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Chart.Tests.Infrastructure;
using Mesh.Testing.Monitoring;

namespace Mesh.Chart.Tests;

/// <summary>
/// The Grafana dashboard (charts/mesh/files/grafana-dashboard.json) and its optional ConfigMap for
/// Grafana's dashboard sidecar: the sidecar's label, the file as it is, and a dashboard whose every
/// query parses and uses only variables it defines. Whether the metrics it queries exist is checked
/// against real scrapes of the services (tests/Mesh.Orders.Tests, DashboardMetricsTests).
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly string[] Enabled = ["--set", "grafana.dashboard.enabled=true"];

    [Fact]
    public async Task ConfigMap_Enabled_CarriesTheSidecarLabelAndTheDashboardFileAsValidJson()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, Enabled);
        var map = Assert.Single(chart.ConfigMaps, map => map.Metadata.Name == $"{ChartRenderer.ReleaseName}-grafana-dashboard");

        Assert.Equal(ChartRenderer.Namespace, map.Metadata.NamespaceProperty);
        Assert.Equal("1", map.Metadata.Labels["grafana_dashboard"]);
        var (key, json) = Assert.Single(map.Data);
        Assert.EndsWith(".json", key, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(RepositoryPaths.GrafanaDashboard)), JsonNode.Parse(json)));
    }

    [Fact]
    public async Task ConfigMap_LabelNamespaceAndAnnotationsSet_FollowTheValues()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. Enabled,
            "--set", "grafana.dashboard.labelKey=dashboards.example.com/grafana", "--set", "grafana.dashboard.labelValue=mesh",
            "--set", "grafana.dashboard.namespace=monitoring", "--set", "grafana.dashboard.annotations.grafana_folder=Mesh"]);
        var map = Assert.Single(chart.ConfigMaps, map => map.Metadata.Name == $"{ChartRenderer.ReleaseName}-grafana-dashboard");

        Assert.Equal("mesh", map.Metadata.Labels["dashboards.example.com/grafana"]);
        Assert.DoesNotContain("grafana_dashboard", map.Metadata.Labels.Keys);
        Assert.Equal("monitoring", map.Metadata.NamespaceProperty);
        Assert.Equal("Mesh", map.Metadata.Annotations["grafana_folder"]);
    }

    [Fact]
    public void Dashboard_File_HasAStableUidUniquePanelIdsAndPanelsOnTheGrid()
    {
        var dashboard = LoadDashboard();
        var panels = Panels(dashboard["panels"]!.AsArray()).ToList();

        Assert.Equal("mesh-services", (string?)dashboard["uid"]);
        Assert.Null(dashboard["id"]);
        Assert.Equal(panels.Count, panels.Select(panel => (int)panel["id"]!).Distinct().Count());
        Assert.All(panels, panel =>
        {
            var grid = panel["gridPos"]!;
            Assert.InRange((int)grid["x"]! + (int)grid["w"]!, 1, 24);
        });
        Assert.All(panels.Where(panel => (string?)panel["type"] != "row"), panel =>
        {
            Assert.Equal("${datasource}", (string?)panel["datasource"]?["uid"]);
            Assert.NotEmpty(panel["targets"]!.AsArray());
            Assert.False(string.IsNullOrWhiteSpace((string?)panel["description"]), (string?)panel["title"]);
        });
    }

    [Fact]
    public void Dashboard_EveryQuery_ParsesAndUsesOnlyVariablesTheDashboardDefines()
    {
        var dashboard = LoadDashboard();
        var defined = dashboard["templating"]!["list"]!.AsArray().Select(variable => (string)variable!["name"]!).ToHashSet(StringComparer.Ordinal);
        var queries = MonitoringQueries.Dashboard(dashboard.ToJsonString());

        Assert.True(queries.Count >= 20, string.Join("\n", queries));
        Assert.All(queries, query =>
        {
            Assert.NotEmpty(query.Parse().Metrics);
            var used = VariableRegex().Matches(query.Expression).Select(match => match.Groups[1].Value).Where(name => !name.StartsWith("__", StringComparison.Ordinal));
            Assert.Empty(used.Except(defined));
        });
    }

    [Fact]
    public void Dashboard_Rows_AreEachDescribedInTheOperationsGuide()
    {
        var rows = Panels(LoadDashboard()["panels"]!.AsArray()).Where(panel => (string?)panel["type"] == "row").Select(panel => (string)panel["title"]!).ToList();
        var guide = File.ReadAllText(RepositoryPaths.OperationsGuide);

        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Contains($"\n### {row}\n", guide, StringComparison.Ordinal));
    }

    [Fact]
    public void Dashboard_Panels_DoNotOverlapOnTheGrid()
    {
        var boxes = Panels(LoadDashboard()["panels"]!.AsArray())
            .Select(panel => (Title: (string)panel["title"]!, X: (int)panel["gridPos"]!["x"]!, Y: (int)panel["gridPos"]!["y"]!, W: (int)panel["gridPos"]!["w"]!, H: (int)panel["gridPos"]!["h"]!))
            .ToList();

        foreach (var (first, index) in boxes.Select((box, index) => (box, index)))
        {
            foreach (var second in boxes.Skip(index + 1))
            {
                var overlaps = first.X < second.X + second.W && second.X < first.X + first.W
                    && first.Y < second.Y + second.H && second.Y < first.Y + first.H;
                Assert.False(overlaps, $"\"{first.Title}\" and \"{second.Title}\" overlap");
            }
        }
    }

    [Fact]
    public void Dashboard_MessagingRow_SitsBeforePodsAndQueriesOnlyTheRelayAndConsumerMetrics()
    {
        var panels = LoadDashboard()["panels"]!.AsArray().OfType<JsonNode>().ToList();
        var rows = panels.Where(panel => (string?)panel["type"] == "row").Select(panel => (string)panel["title"]!).ToList();
        var start = panels.FindIndex(panel => (string?)panel["type"] == "row" && (string?)panel["title"] == "Messaging");
        var end = panels.FindIndex(start + 1, panel => (string?)panel["type"] == "row");
        var messaging = panels.GetRange(start + 1, end - start - 1);
        string[] metrics =
        [
            "mesh_relay_lag", "mesh_relay_lag_age_seconds", "mesh_relay_published_total",
            "mesh_messaging_consumed_total", "mesh_messaging_duplicates_total", "mesh_messaging_dead_lettered_total",
        ];

        Assert.Equal(rows.IndexOf("Orders and inventory") + 1, rows.IndexOf("Messaging"));
        Assert.Equal(rows.IndexOf("Messaging") + 1, rows.IndexOf("Pods"));
        Assert.Equal(5, messaging.Count);
        var queries = messaging.SelectMany(panel => panel["targets"]!.AsArray().Select(target => PromQlQuery.Parse((string)target!["expr"]!))).ToList();
        Assert.Equal(metrics.Order(StringComparer.Ordinal), queries.SelectMany(query => query.Metrics).Distinct().Order(StringComparer.Ordinal));
        Assert.All(queries.SelectMany(query => query.Selectors), selector =>
        {
            Assert.Contains(new PromQlMatcher("namespace", "=", "$namespace"), selector.Matchers);
            Assert.Contains(new PromQlMatcher("job", "=~", "$job"), selector.Matchers);
        });
        // The labels the services give these series, and the target's own.
        string[] labels = ["log", "queue", "reason", .. MonitoringQueries.TargetLabels];
        Assert.All(queries.SelectMany(query => query.Groupings).SelectMany(grouping => grouping.Labels), label => Assert.Contains(label, labels));
    }

    private static JsonNode LoadDashboard() => JsonNode.Parse(File.ReadAllText(RepositoryPaths.GrafanaDashboard))!;

    private static IEnumerable<JsonNode> Panels(JsonArray panels) =>
        panels.OfType<JsonNode>().SelectMany(panel => Panels(panel["panels"]?.AsArray() ?? []).Prepend(panel));

    [GeneratedRegex(@"\$\{?([A-Za-z0-9_]+)")]
    private static partial Regex VariableRegex();
}
